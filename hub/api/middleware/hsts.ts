import type { Middleware } from "koa";

/** HSTS lifetime browsers keep: one year, in seconds. */
const HSTS_MAX_AGE_S = 31_536_000;

/**
 * Strict-Transport-Security on every answer sent over TLS (issue 13), so a browser that reached the
 * hub over HTTPS never falls back to plain HTTP. Plain-HTTP answers carry none (RFC 6797 §7.2).
 */
export function hsts(): Middleware {
  return async function hsts(ctx, next) {
    if (ctx.secure) ctx.set("Strict-Transport-Security", `max-age=${HSTS_MAX_AGE_S}`);
    await next();
  };
}
