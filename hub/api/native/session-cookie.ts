import { UnauthenticatedError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";
import { upgradeOf } from "../tunnel/upgrade";

/**
 * The web console's sign-in: an HTTP-only cookie holding a login token (never readable by the
 * page's scripts). SameSite=Strict, path `/`; only the native API accepts it.
 */
export const SESSION_COOKIE = "corral_session";

/** Methods that change nothing: the only ones a cookie may authenticate without an Origin check. */
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Lets the session cookie stand in for a token on the native API (ctx.state.sessionToken, read by
 * tokenFrom after the headers). CSRF: besides SameSite=Strict, a cookie-authenticated write or
 * WebSocket upgrade must come with an `Origin` equal to the hub's own, else 401 — a page elsewhere
 * cannot ride the cookie. A request that sends a token header ignores the cookie.
 */
export function sessionCookie(): ApiMiddleware {
  return async function sessionCookie(ctx, next) {
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const hasHeader = ctx.get("authorization").trim() !== "" || ctx.get("x-auth-token").trim() !== "";
    if (cookie && !hasHeader) {
      if (!SAFE.has(ctx.method) || upgradeOf(ctx.req)) requireSameOrigin(ctx);
      ctx.state.sessionToken = cookie;
    }
    await next();
  };
}

function requireSameOrigin(ctx: ApiContext): void {
  const origin = ctx.get("origin");
  if (origin !== `${ctx.protocol}://${ctx.host}`)
    throw new UnauthenticatedError(
      "a session cookie authenticates writes only from the console's own origin: send Authorization: Bearer <token>",
    );
}

/** Sets the session cookie until `expiresAt` (Unix ms; null: a browser-session cookie). */
export function setSessionCookie(ctx: ApiContext, token: string, expiresAt: number | null): void {
  ctx.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    secure: ctx.secure,
    path: "/",
    ...(expiresAt === null ? {} : { expires: new Date(expiresAt) }),
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: ApiContext): void {
  ctx.cookies.set(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    expires: new Date(0),
    overwrite: true,
  });
}
