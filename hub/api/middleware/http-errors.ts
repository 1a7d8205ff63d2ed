/**
 * Errors thrown by Koa itself and by koa-body (malformed JSON, body too large) carry an HTTP
 * `status` and `expose`; this reads them without depending on http-errors' classes.
 */
export function httpErrorStatus(err: unknown): { status: number; message: string } | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status =
    typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : null;
  if (status === null || status < 400 || status >= 500 || e.expose === false) return null;
  return { status, message: typeof e.message === "string" ? e.message : "bad request" };
}
