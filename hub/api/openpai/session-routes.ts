import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { TokenClaims } from "../../core/auth";
import { RateLimitedError, UserNotActiveError } from "../../core/errors";
import type { ApiState } from "../context";
import type { Access } from "./access";
import { caller, paiAuth } from "./auth";
import { forbidden, noUser, PaiError } from "./errors";
import { input } from "../middleware/validate";
import { paiInput } from "./input";

/** What /api/v1 and /api/v2/info say about this server. */
export const SERVER_INFO = {
  // The document's and the swagger's spelling.
  name: "PAI RESTfulAPI",
  version: "v1.8.0",
  launcherType: "k8s",
  authnMethod: "basic",
};

const int = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? Number(v) : v),
    z.number().int().min(min).max(max),
  );

const Login = z.looseObject({
  username: z.string().min(1),
  password: z.string().min(1),
  /** Seconds the token lives. @default 86400; honoured (OpenPAI validates it, then ignores it). */
  expiration: int(60, 604800).default(86400),
});

/** Info, authn (basic; OIDC is not configured) and tokens, under both /api/v1 and /api/v2. */
export function sessionRoutes(router: Router<ApiState>, core: Core, access: Access): void {
  const user = paiAuth(core, access, "user");
  const token = paiAuth(core, access, "token");

  router.all(["/api/v1", "/api/v1/"], (ctx) => {
    ctx.body = SERVER_INFO;
  });
  router.get("/api/v2/info", (ctx) => {
    ctx.body = SERVER_INFO;
  });
  router.get(["/api/v1/authn/info", "/api/v2/authn/info"], (ctx) => {
    ctx.body = { authnMethod: "basic", loginURI: "/api/v2/authn/basic/login", loginURIMethod: "post" };
  });
  // OIDC routes exist only when the server runs in OIDC mode; in basic mode they are unknown paths.
  router.all(["/api/v1/authn/oidc/*rest", "/api/v2/authn/oidc/*rest"], (ctx) => {
    throw new PaiError(404, "NoApiError", `API ${ctx.url} is not found.`);
  });

  router.post(
    ["/api/v1/token", "/api/v2/tokens", "/api/v1/authn/basic/login", "/api/v2/authn/basic/login"],
    paiInput(Login),
    async (ctx) => {
      const b = input(ctx, Login);
      const u = core.users.find(b.username);
      if (!u) throw noUser(b.username, 400);
      let issued;
      try {
        issued = await core.auth.login(b.username, b.password, b.expiration, { address: ctx.ip });
      } catch (err) {
        if (err instanceof UserNotActiveError) throw forbidden(err.message);
        // Too many failures: the core's 429 with Retry-After, in OpenPAI words.
        if (err instanceof RateLimitedError) throw err;
        throw new PaiError(400, "IncorrectPasswordError", "Password is incorrect.");
      }
      ctx.body = { user: u.username, token: issued.token, admin: access.isAdmin(u), hasGitHubPAT: false };
    },
  );
  router.delete(["/api/v1/authn/basic/logout", "/api/v2/authn/basic/logout"], user, (ctx) => {
    core.auth.revoke(caller(ctx).token.id, { address: ctx.ip });
    ctx.body = { message: "Logout successfully" };
  });

  // Every live token in full only to a fresh login (which could make an application token
  // anyway); to any other token, its own text and every other token by its id (enough to revoke
  // it with DELETE /tokens/:id, never enough to use it).
  router.get(["/api/v1/token", "/api/v2/tokens"], user, (ctx) => {
    const p = caller(ctx);
    const full = core.auth.isFreshLogin(p);
    ctx.body = {
      tokens: core.auth
        .liveTokens(p.user.id)
        .filter((r) => r.kind !== "refresh")
        .flatMap((r) => (full || r.id === p.token.id ? (core.auth.tokenText(r) ?? []) : [r.id])),
    };
  });
  // Never-expiring: only from a fresh password login (core.auth.issueApplication).
  router.post(["/api/v1/token/application", "/api/v2/tokens/application"], user, (ctx) => {
    const { token: t } = core.auth.issueApplication(caller(ctx), { address: ctx.ip });
    ctx.body = { token: t, application: true };
  });
  router.get(["/api/v1/token/check", "/api/v2/tokens/check"], token, (ctx) => {
    const p = caller(ctx);
    const claims = core.auth.claims(core.auth.tokenText(p.token) ?? "") as TokenClaims;
    ctx.body = {
      ...claims,
      username: p.user.username,
      application: p.token.kind === "application",
      admin: access.isAdmin(p.user),
    };
  });
  router.delete(["/api/v1/token/:token", "/api/v2/tokens/:token"], user, (ctx) => {
    const p = caller(ctx);
    const named = ctx.params.token as string;
    // A token's text, or its id as GET /tokens lists the caller's other tokens.
    let targetId = core.auth.liveTokens(p.user.id).find((r) => r.id === named)?.id ?? null;
    if (targetId === null) {
      try {
        const target = core.auth.authenticate(named);
        if (target.user.id === p.user.id) targetId = target.token.id;
      } catch {
        targetId = null;
      }
    }
    if (targetId === null) throw forbidden("This token does not belong to you.");
    core.auth.revoke(targetId, { address: ctx.ip });
    ctx.body = { message: "revoke successfully" };
  });
}
