import { HttpMethodEnum, koaBody } from "koa-body";
import { ValidationError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";
import { bodyLimit, refuseAnnouncedOver } from "../middleware/body-limit";
import type { ErrorRenderer } from "../middleware/errors";
import { renderBadRequest } from "./bad-request";

/** OTE-stack's envelope: `{code, message, data?, total?}`; code repeats the HTTP status. */
export function ok(ctx: ApiContext, data?: unknown, extra: Record<string, unknown> = {}): void {
  ctx.status = 200;
  ctx.body = { code: 200, message: "success", ...(data === undefined ? {} : { data }), ...extra };
}

/** A page of `items`: `page` from 1, `pageSize` 0 = everything. Sets `total` to the filtered count. */
export function okPage<T>(
  ctx: ApiContext,
  items: readonly T[],
  page: number,
  pageSize: number,
  extra = {},
): void {
  const slice = pageSize === 0 ? items : items.slice((page - 1) * pageSize, page * pageSize);
  ok(ctx, slice, { total: items.length, ...extra });
}

/** Unix seconds from Unix ms (OTE timestamps). */
export const unix = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

/** Errors in the envelope: 422 names the field and the reason; 500s carry the request id only. */
export const oteErrors: ErrorRenderer = {
  status: { invalid: 422 },
  core: (err, status) =>
    err instanceof ValidationError
      ? { code: status, message: err.message, field: err.field, reason: err.reason }
      : { code: status, message: err.message },
  request: (status, message) => {
    const code = status === 400 ? 422 : status;
    return { status: code, body: { code, message, field: "body" } };
  },
  internal: (requestId) => ({ code: 500, message: "internal error", requestId }),
  own: renderBadRequest,
};

/**
 * OTE clients send bodies with DELETE (labels to remove); the shared parser reads POST/PUT/PATCH
 * only, so DELETE routes with a body mount this first.
 */
export function deleteBody(): ApiMiddleware {
  const parsers = new Map<number, ApiMiddleware>();
  return async function deleteBody(ctx, next) {
    if ((ctx.request as { body?: unknown }).body !== undefined) return next();
    // At most 1 MiB, and the anonymous limit without a valid token (body-limit.ts).
    const limit = Math.min(bodyLimit(ctx), 1024 * 1024);
    refuseAnnouncedOver(ctx, limit);
    let parse = parsers.get(limit);
    if (!parse) {
      parse = koaBody({
        json: true,
        jsonLimit: limit,
        parsedMethods: [HttpMethodEnum.DELETE],
      }) as unknown as ApiMiddleware;
      parsers.set(limit, parse);
    }
    return parse(ctx, next);
  };
}
