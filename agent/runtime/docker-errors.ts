/**
 * Small predicates over dockerode / docker-modem errors, so callers decide by status code or
 * socket error code and never by matching message text.
 */

/** The parts of a docker-modem error we read. */
interface EngineErrorShape {
  statusCode?: number;
  json?: { message?: string } | string | null;
  code?: string;
  message?: string;
}

function shape(err: unknown): EngineErrorShape {
  return typeof err === "object" && err !== null ? (err as EngineErrorShape) : {};
}

/** HTTP status of an engine answer; undefined when the engine never answered. */
export function statusOf(err: unknown): number | undefined {
  return shape(err).statusCode;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** 409: name already in use, or removal already in progress. */
export function isConflict(err: unknown): boolean {
  return statusOf(err) === 409;
}

/** 304: start of a started container, stop of a stopped one. */
export function isNotModified(err: unknown): boolean {
  return statusOf(err) === 304;
}

/** Socket-level failures: the engine is down, missing or not ours to talk to. */
const ENGINE_DOWN_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

export function isEngineDown(err: unknown): boolean {
  const { statusCode, code } = shape(err);
  return statusCode === undefined && code !== undefined && ENGINE_DOWN_CODES.has(code);
}

export function isAbort(err: unknown): boolean {
  const e = shape(err) as EngineErrorShape & { name?: string };
  return e.name === "AbortError" || e.code === "ABORT_ERR";
}

/** The engine's own words (its JSON `message`), else the error message; trimmed. */
export function engineText(err: unknown): string {
  const { json, message, code } = shape(err);
  if (typeof json === "object" && json !== null && typeof json.message === "string")
    return json.message.trim();
  if (typeof json === "string" && json.trim() !== "") return json.trim();
  // docker-modem prefixes "(HTTP code 500) server error - " when the body was not JSON.
  if (typeof message === "string" && message !== "")
    return message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
  return code ?? String(err);
}
