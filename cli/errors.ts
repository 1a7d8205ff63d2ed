// One error class per way a command can fail. Each carries the exit code it maps to, so main() never
// inspects message text to choose one.
import { EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_UNREACHABLE, EXIT_USAGE } from "./exit-codes";
import type { ExitCode } from "./exit-codes";

/** Base class: a failure with a message meant for the person at the terminal. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = EXIT_FAILURE, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Bad input on the command line (exit 2): a malformed quantity, a missing --yes off a terminal. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}

/** Something named does not exist, found out on the client side (e.g. no join token id has this prefix). */
export class NotFoundError extends CliError {
  constructor(message: string) {
    super(message, EXIT_NOT_FOUND);
    this.name = "NotFoundError";
  }
}

/** The hub did not answer at all: connection refused, DNS failure, reset or timeout (exit 4). */
export class HubUnreachableError extends CliError {
  readonly hubUrl: string;
  constructor(hubUrl: string, cause: unknown) {
    super(`cannot reach hub at ${hubUrl}${describeCause(cause)}`, EXIT_UNREACHABLE, { cause });
    this.name = "HubUnreachableError";
    this.hubUrl = hubUrl;
  }
}

/** The hub answered with an error status. Fields come from its `{code, message, field}` body. */
export class HubApiError extends CliError {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  /** API path that failed, relative to the API root (e.g. `/auth/login`). */
  readonly path: string;
  constructor(init: {
    status: number;
    code: string;
    message: string;
    field?: string;
    requestId?: string;
    path: string;
  }) {
    super(init.message, init.status === 404 ? EXIT_NOT_FOUND : EXIT_FAILURE);
    this.name = "HubApiError";
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.requestId = init.requestId;
    this.path = init.path;
  }
}

/** Short reason for a network failure: undici puts the system error (ECONNREFUSED...) in `cause`. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return "";
  if (cause.name === "TimeoutError" || cause.name === "AbortError") return " (timed out)";
  const inner: unknown = cause.cause;
  if (inner instanceof Error && "code" in inner && typeof inner.code === "string") return ` (${inner.code})`;
  if (inner instanceof Error && inner.message) return ` (${inner.message})`;
  return "";
}

/**
 * `workload exec` ends with the remote command's exit code, as docker exec and kubectl exec do; it
 * is passed through as the process's exit code, outside the CLI's own codes.
 */
export class RemoteExit extends Error {
  constructor(readonly code: number) {
    super(`remote command exited with ${code}`);
    this.name = "RemoteExit";
  }
}
