import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import type { ExecOptions, ExecProcess } from "./runtime";
import { RuntimeError } from "./runtime";

/** A command run as a local child process (FakeRuntime's exec); resolves once it has started. */
export function localExec(o: ExecOptions): Promise<ExecProcess> {
  const [file, ...args] = o.command;
  if (!file) return Promise.reject(new RuntimeError("exec needs a command", "start_failed"));
  const child = spawn(file, args, { stdio: [o.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
  const exited = new Promise<number>((resolve) =>
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  return new Promise((resolve, reject) => {
    child.once("error", (err) => reject(new RuntimeError(`exec failed: ${err.message}`, "start_failed")));
    child.once("spawn", () =>
      resolve({
        stdin: child.stdin ?? new PassThrough(),
        stdout: child.stdout as NonNullable<typeof child.stdout>, // piped above
        stderr: child.stderr as NonNullable<typeof child.stderr>,
        resize: async () => undefined,
        exited,
        kill: () => void child.kill("SIGKILL"),
      }),
    );
  });
}
