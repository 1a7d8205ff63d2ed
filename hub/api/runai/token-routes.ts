import type { Core } from "../../core";
import { CorralError, UnauthenticatedError, ValidationError } from "../../core/errors";
import type { User } from "../../core/model";
import type { ApiMiddleware } from "../context";
import { TokenBody } from "./schemas";

/** Access tokens live a day; refresh tokens 30 days (Run:ai's defaults are of this order). */
export const ACCESS_TTL_SEC = 24 * 3600;
export const REFRESH_TTL_SEC = 30 * 24 * 3600;

/**
 * POST /api/v1/token. Shared with OpenPAI's login: a body without `grantType` is not ours and
 * goes on to the next surface (this middleware is last in its stack, so next() leaves Run:ai).
 */
export function tokenRoute(core: Core): ApiMiddleware {
  return async function runaiToken(ctx, next) {
    const body = (ctx.request as { body?: unknown }).body;
    if (ctx.method !== "POST" || typeof body !== "object" || body === null || !("grantType" in body))
      return next();
    const parsed = TokenBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(issue?.path.map(String).join(".") || "body", issue?.message ?? "invalid");
    }
    const b = parsed.data;
    const need = (v: string | undefined, field: string): string => {
      if (!v) throw new ValidationError(field, `is required for grantType ${b.grantType}`);
      return v;
    };
    let user: User;
    switch (b.grantType) {
      case "password":
        user = (
          await core.auth.login(need(b.username, "username"), need(b.password, "password"), ACCESS_TTL_SEC)
        ).user;
        break;
      case "app_token":
      case "client_credentials": {
        const id = need(b.clientID ?? b.appID, "clientID");
        const secret = need(b.clientSecret ?? b.appSecret, "clientSecret");
        user = await application(core, id, secret);
        break;
      }
      case "refresh_token": {
        const p = core.auth.authenticate(need(b.refreshToken, "refreshToken"));
        core.auth.revoke(p.token.id);
        user = p.user;
        break;
      }
      default:
        throw new ValidationError("grantType", `${b.grantType} is not supported by this hub`);
    }
    const access = core.auth.issue(user, "login", ACCESS_TTL_SEC);
    const refresh = core.auth.issue(user, "login", REFRESH_TTL_SEC);
    ctx.body = {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresIn: ACCESS_TTL_SEC,
      idToken: "",
    };
  };
}

/**
 * An application: clientID names the user (or an application token's id) and clientSecret is one
 * of that user's application tokens (`corral token create`) or, failing that, the password.
 */
async function application(core: Core, id: string, secret: string): Promise<User> {
  try {
    const p = core.auth.authenticate(secret);
    if (p.user.username === id || p.token.id === id) return p.user;
  } catch (err) {
    if (!(err instanceof CorralError)) throw err;
  }
  try {
    return (await core.auth.login(id, secret, 60)).user;
  } catch {
    throw new UnauthenticatedError("invalid clientID or clientSecret");
  }
}
