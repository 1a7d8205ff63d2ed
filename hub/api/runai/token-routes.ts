import type Router from "@koa/router";
import type { Core } from "../../core";
import type { AuditSource } from "../../core/audit";
import { CorralError, RateLimitedError, UnauthenticatedError, UserNotActiveError } from "../../core/errors";
import type { User } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { canonicalTokenKeys, TokenBody } from "./schemas";

/** Shared with OpenPAI's login (ownership.ts). */
export const TOKEN_PATH = "/api/v1/token";

/** Access tokens live a day; refresh tokens 30 days (Run:ai's defaults are of this order). */
export const ACCESS_TTL_SEC = 24 * 3600;
export const REFRESH_TTL_SEC = 30 * 24 * 3600;

/**
 * POST /api/v1/token. Shared with OpenPAI's login: ownership.ts gives Run:ai only the POSTs whose
 * body has `grantType` (runai/index.ts claims it so), so this route sees no other request. The
 * body is validated (TokenBody: the fields each grant type needs) before it is answered.
 */
export function tokenRoutes(router: Router<ApiState>, core: Core): void {
  router.post(TOKEN_PATH, validate(TokenBody), tokenAnswer(core));
}

/** True when the parsed body has a `grantType` key, in any case (Run:ai's, not OpenPAI's login). */
export function hasGrantType(ctx: ApiContext): boolean {
  const body = canonicalTokenKeys((ctx.request as { body?: unknown }).body);
  return typeof body === "object" && body !== null && "grantType" in body;
}

/**
 * Issues an access (login) and a refresh token for a validated TokenBody. The refresh token is of
 * kind `refresh`: it is no access token, and the refresh grant takes nothing else. Both keep the
 * time of the password login they descend from (a password grant: now).
 */
function tokenAnswer(core: Core): (ctx: ApiContext) => Promise<void> {
  return async (ctx) => {
    const b = input(ctx, TokenBody);
    const source = { address: ctx.ip };
    let user: User;
    let authAt: number | undefined;
    switch (b.grantType) {
      case "password":
        user = await core.auth.checkPassword(b.username ?? "", b.password ?? "", source);
        authAt = core.clock.now();
        core.audit.record({ type: "login.succeeded", username: user.username, source, detail: "runai" });
        break;
      case "refresh_token":
        ({ user, authAt } = core.auth.redeemRefresh(b.refreshToken ?? "", source));
        break;
      default:
        // app_token and client_credentials (TokenBody admits no other grant).
        user = await application(
          core,
          b.clientID ?? b.appID ?? "",
          b.clientSecret ?? b.appSecret ?? "",
          source,
        );
    }
    const access = core.auth.issue(user, "login", ACCESS_TTL_SEC, authAt);
    const refresh = core.auth.issue(user, "refresh", REFRESH_TTL_SEC, authAt);
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
async function application(core: Core, id: string, secret: string, source: AuditSource): Promise<User> {
  try {
    const p = core.auth.authenticate(secret);
    if (p.user.username === id || p.token.id === id) return p.user;
  } catch (err) {
    if (!(err instanceof CorralError) || err instanceof UserNotActiveError) throw err;
  }
  try {
    // A password, throttled like every login; no token is made for it.
    return await core.auth.checkPassword(id, secret, source);
  } catch (err) {
    if (err instanceof UserNotActiveError || err instanceof RateLimitedError) throw err;
    throw new UnauthenticatedError("invalid clientID or clientSecret");
  }
}
