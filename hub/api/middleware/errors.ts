import type { Logger } from "pino";
import { CorralError, RateLimitedError } from "../../core/errors";
import type { ApiMiddleware } from "../context";
import { httpErrorStatus } from "./http-errors";

export type ErrorKind = CorralError["kind"];

/** HTTP status of each kind of core error, unless a surface's renderer says otherwise. */
export const DEFAULT_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 502,
  rate_limited: 429,
};

/** A status and the body to send with it. */
export interface ErrorAnswer {
  status: number;
  body: unknown;
}

/**
 * How one surface words its errors. The factory picks the status (by the core error's class, or
 * the request error's own status); the renderer only writes bodies, so each surface's renderer is
 * a few lines in its own folder.
 */
export interface ErrorRenderer {
  /** Statuses where this surface departs from DEFAULT_STATUS (OTE-stack: invalid is 422). */
  readonly status?: Partial<Record<ErrorKind, number>>;
  /** The body of a typed core error answered with `status`. */
  core(err: CorralError, status: number): unknown;
  /**
   * A 4xx raised by Koa or the body parser (malformed JSON, body too large), with its status;
   * the renderer may answer another status (OTE-stack answers 422 for 400).
   */
  request(status: number, message: string): ErrorAnswer;
  /** The body of a 500: names the request id, never the error (its stack goes to the log). */
  internal(requestId: string): unknown;
  /** The surface's own error type, thrown by its handlers with its own status (OpenPAI's PaiError). */
  own?(err: unknown): ErrorAnswer | null;
}

/** The answer a surface gives for `err`, or null for an unknown error (a 500). */
export function renderError(renderer: ErrorRenderer, err: unknown): ErrorAnswer | null {
  const own = renderer.own?.(err);
  if (own) return own;
  if (err instanceof CorralError) {
    const status = renderer.status?.[err.kind] ?? DEFAULT_STATUS[err.kind];
    return { status, body: renderer.core(err, status) };
  }
  const http = httpErrorStatus(err);
  if (http) return renderer.request(http.status, http.message);
  return null;
}

/**
 * The one error middleware, mounted first in every surface's stack: typed errors become the
 * surface's status and body; anything else is a 500 naming the request id, the stack logged.
 */
export function surfaceErrors(surface: string, renderer: ErrorRenderer, logger: Logger): ApiMiddleware {
  return async function surfaceErrors(ctx, next) {
    try {
      await next();
    } catch (err) {
      const answer = renderError(renderer, err);
      if (err instanceof RateLimitedError) ctx.set("Retry-After", String(err.retryAfterSec));
      if (answer) {
        ctx.status = answer.status;
        ctx.body = answer.body;
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId, surface }, "unhandled error");
      ctx.status = 500;
      ctx.body = renderer.internal(ctx.state.requestId);
    }
  };
}
