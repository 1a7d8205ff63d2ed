import { PassThrough, type Duplex } from "node:stream";
import type Dockerode from "dockerode";
import type { ExecOptions, ExecProcess } from "./runtime";
import { RuntimeError } from "./runtime";

/**
 * `docker exec` through the engine API: creates the exec, starts it hijacked (one raw duplex to
 * the process), demultiplexes stdout/stderr when there is no TTY, and reads the exit code from
 * the exec's inspect once its output ends.
 */
export async function dockerExec(
  docker: Dockerode,
  containerId: string,
  o: ExecOptions,
): Promise<ExecProcess> {
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await docker.getContainer(containerId).exec({
      Cmd: o.command,
      AttachStdin: o.stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: o.tty,
      ...(o.tty && o.cols > 0 && o.rows > 0 ? { ConsoleSize: [o.rows, o.cols] } : {}),
    });
    stream = (await exec.start({ hijack: true, stdin: o.stdin, Tty: o.tty })) as Duplex;
  } catch (err) {
    throw new RuntimeError(`exec in ${containerId} failed: ${(err as Error).message}`, "start_failed", {
      cause: err,
    });
  }
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (o.tty) stream.pipe(stdout);
  else {
    docker.modem.demuxStream(stream, stdout, stderr);
    stream.on("end", () => {
      stdout.end();
      stderr.end();
    });
  }
  if (o.tty) stream.on("end", () => stderr.end());
  const ended = new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  const exited = ended.then(async () => {
    const info = await exec.inspect().catch(() => null);
    return info?.ExitCode ?? -1;
  });
  const stdin = new PassThrough();
  if (o.stdin) {
    stdin.pipe(stream, { end: false });
    // stdin EOF: half-close the hijacked connection so the process reads end of file.
    stdin.on("end", () => (stream as Duplex & { end(): void }).end());
  }
  return {
    stdin,
    stdout,
    stderr,
    resize: async (cols, rows) => {
      if (o.tty) await exec.resize({ w: cols, h: rows });
    },
    exited,
    kill: () => stream.destroy(),
  };
}
