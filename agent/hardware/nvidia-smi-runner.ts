import { execFile, type ChildProcess } from "node:child_process";

/** Settings for running `nvidia-smi`. */
export interface NvidiaSmiRunnerOptions {
  /** Path of the binary, or a bare name looked up on PATH (`CORRAL_NVIDIA_SMI`). */
  path: string;
  /**
   * Hard limit for one call in ms; the process gets SIGKILL when it passes.
   * @default 10_000
   */
  timeoutMs?: number;
}

/** Why a call failed: missing binary, timeout, non-zero exit, or an earlier call still stuck. */
export type NvidiaSmiErrorKind = "not-found" | "timeout" | "failed" | "busy";

/** One failed `nvidia-smi` call. `message` is the text reported to the hub. */
export class NvidiaSmiError extends Error {
  override readonly name = "NvidiaSmiError";

  constructor(
    readonly kind: NvidiaSmiErrorKind,
    message: string,
    readonly path: string,
    readonly args: readonly string[],
    /** Exit code for kind "failed"; null otherwise. */
    readonly exitCode: number | null,
    /** What the process printed (stderr, else stdout), trimmed; "" when nothing. */
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Runs `nvidia-smi` without blocking the event loop. Resolves with stdout; rejects only with
 * NvidiaSmiError.
 *
 * Concurrency: at most one nvidia-smi process exists at a time. Calls run one after another in
 * arrival order, and a call whose arguments equal those of a call already queued or running
 * shares that call's result instead of starting another process (so a slow poll cannot pile
 * up identical queries). No result is cached after a call ends: callers that want a last good
 * value keep it themselves.
 *
 * A process that ignores SIGKILL (uninterruptible sleep in a wedged driver) would hold the slot
 * forever. So the caller is answered at the deadline (plus a short grace), and until that process
 * has really exited every new call fails at once with kind "busy" instead of queueing behind it.
 */
export interface NvidiaSmiRunner {
  readonly path: string;
  run(args: readonly string[]): Promise<string>;
}

/** Default hard timeout for one call, in ms. */
export const DEFAULT_NVIDIA_SMI_TIMEOUT_MS = 10_000;
/** How long after SIGKILL we still wait for the process to go before answering the caller, in ms. */
const KILL_GRACE_MS = 1_000;
/** Longest stdout we accept, in bytes; a 212-field query for 8 GPUs is far below this. */
const MAX_BUFFER_BYTES = 8 * 1024 * 1024;
/** Longest process output quoted in an error message, in characters. */
const MAX_QUOTED_OUTPUT = 500;

export function createNvidiaSmiRunner(opts: NvidiaSmiRunnerOptions): NvidiaSmiRunner {
  const path = opts.path;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_NVIDIA_SMI_TIMEOUT_MS;
  // Chain that orders calls; always resolves, whatever the call before did.
  let tail: Promise<void> = Promise.resolve();
  // Calls queued or running, by their argument list, so identical calls can share.
  const pending = new Map<string, Promise<string>>();
  // A timed-out child that has not exited yet; while set, no new process is started.
  let stuck: ChildProcess | null = null;

  function spawnOnce(args: readonly string[]): Promise<string> {
    if (stuck !== null) {
      return Promise.reject(
        new NvidiaSmiError(
          "busy",
          `nvidia-smi at ${path} from an earlier call has not exited after SIGKILL (pid ${stuck.pid ?? "?"}); not starting another`,
          path,
          args,
          null,
          "",
        ),
      );
    }
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      let exited = false;
      const child = execFile(
        path,
        [...args],
        {
          timeout: timeoutMs,
          killSignal: "SIGKILL",
          maxBuffer: MAX_BUFFER_BYTES,
          windowsHide: true,
          encoding: "utf8",
        },
        (err, stdout, stderr) => {
          clearTimeout(watchdog);
          if (settled) return;
          settled = true;
          if (err === null) resolve(stdout);
          else reject(toNvidiaSmiError(err, path, args, timeoutMs, stdout, stderr));
        },
      );
      child.once("exit", () => {
        exited = true;
        if (stuck === child) stuck = null;
      });
      // execFile's own timeout answers in the normal case; this one covers a child that
      // SIGKILL cannot remove, or a grandchild that keeps stdout open after the child died.
      const watchdog = setTimeout(() => {
        if (settled) return;
        settled = true;
        if (!exited) {
          child.kill("SIGKILL");
          stuck = child;
        }
        reject(timeoutError(path, args, timeoutMs));
      }, timeoutMs + KILL_GRACE_MS);
      watchdog.unref();
    });
  }

  function run(args: readonly string[]): Promise<string> {
    const key = JSON.stringify(args);
    const shared = pending.get(key);
    if (shared !== undefined) return shared;
    const call = tail.then(() => spawnOnce(args));
    tail = call.then(
      () => undefined,
      () => undefined,
    );
    pending.set(key, call);
    const forget = (): void => {
      if (pending.get(key) === call) pending.delete(key);
    };
    call.then(forget, forget);
    return call;
  }

  return { path, run };
}

function timeoutError(path: string, args: readonly string[], timeoutMs: number): NvidiaSmiError {
  return new NvidiaSmiError(
    "timeout",
    `nvidia-smi at ${path} timed out after ${timeoutMs} ms (${args.join(" ")})`,
    path,
    args,
    null,
    "",
  );
}

/** Error from execFile's callback; `code` is a number for an exit status, a string for errno. */
interface ExecFileFailure extends Error {
  code?: number | string | null;
  killed?: boolean;
  signal?: NodeJS.Signals | null;
}

function toNvidiaSmiError(
  err: ExecFileFailure,
  path: string,
  args: readonly string[],
  timeoutMs: number,
  stdout: string,
  stderr: string,
): NvidiaSmiError {
  if (err.code === "ENOENT") {
    return new NvidiaSmiError("not-found", `nvidia-smi not found at ${path}`, path, args, null, "", {
      cause: err,
    });
  }
  if (err.code === "EACCES") {
    return new NvidiaSmiError("not-found", `nvidia-smi at ${path} is not executable`, path, args, null, "", {
      cause: err,
    });
  }
  // We only ever send SIGKILL on timeout, so a SIGKILLed child that we killed is a timeout.
  if (err.killed === true && err.signal === "SIGKILL") {
    const e = timeoutError(path, args, timeoutMs);
    return new NvidiaSmiError(e.kind, e.message, path, args, null, "", { cause: err });
  }
  // nvidia-smi prints most failures ("Failed to initialize NVML: ...") on stdout, not stderr.
  const output = (stderr.trim() !== "" ? stderr : stdout).trim();
  const quoted = output.length > MAX_QUOTED_OUTPUT ? `${output.slice(0, MAX_QUOTED_OUTPUT)}...` : output;
  const code = typeof err.code === "number" ? err.code : null;
  const how =
    code !== null ? `exit ${code}` : err.signal ? `signal ${err.signal}` : String(err.code ?? "error");
  const message = quoted !== "" ? `nvidia-smi failed (${how}): ${quoted}` : `nvidia-smi failed (${how})`;
  return new NvidiaSmiError("failed", message, path, args, code, output, { cause: err });
}
