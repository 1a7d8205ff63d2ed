import crypto from "node:crypto";
import type { ApiMiddleware } from "../context";

/** Gives every request an id (echoing a sane incoming X-Request-Id) for logs and 500 bodies. */
export function requestId(): ApiMiddleware {
  return async function requestId(ctx, next) {
    const incoming = ctx.get("x-request-id");
    ctx.state.requestId = /^[\w.-]{1,128}$/.test(incoming) ? incoming : crypto.randomUUID();
    ctx.set("X-Request-Id", ctx.state.requestId);
    await next();
  };
}
