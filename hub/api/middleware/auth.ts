import type { AuthService } from "../../core/auth";
import { UnauthenticatedError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";

/**
 * The token as each surface's clients send it: `Authorization: Bearer <t>`, a bare
 * `Authorization: <t>` (OTE-stack) or `X-Auth-Token: <t>` (ModelArts / IAM); last, the native
 * console's session cookie when the native surface accepted it (ctx.state.sessionToken).
 */
export function tokenFrom(ctx: ApiContext): string | null {
  const header = ctx.get("authorization").trim();
  if (header) {
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (m) return (m[1] as string).trim();
    if (!/\s/.test(header)) return header;
  }
  const x = ctx.get("x-auth-token").trim();
  return x || ctx.state.sessionToken || null;
}

/** Requires a valid, unrevoked token; sets ctx.state.principal. */
export function authenticate(auth: AuthService): ApiMiddleware {
  return async function authenticate(ctx, next) {
    const token = tokenFrom(ctx);
    if (!token) throw new UnauthenticatedError("missing token: send Authorization: Bearer <token>");
    ctx.state.principal = auth.authenticate(token);
    await next();
  };
}
