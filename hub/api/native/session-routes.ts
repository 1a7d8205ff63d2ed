import type Router from "@koa/router";
import type { Core } from "../../core";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { LoginBody } from "./schemas";
import { clearSessionCookie, setSessionCookie } from "./session-cookie";

/**
 * The web console's session (docs/native-api.md "Session"): sign in sets the HTTP-only cookie,
 * sign out revokes its token and clears it. The token never appears in the answer.
 */
export function sessionRoutes(router: Router<ApiState>, core: Core): void {
  router.post("/session", validate(LoginBody), async (ctx) => {
    const body = input(ctx, LoginBody);
    const { token, record, user } = await core.auth.login(body.username, body.password);
    setSessionCookie(ctx, token, record.expiresAt);
    ctx.body = {
      expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
      user: { username: user.username, admin: user.admin },
    };
  });
  router.delete("/session", authenticate(core.auth), (ctx) => {
    core.auth.revoke(ctx.state.principal!.token.id);
    clearSessionCookie(ctx);
    ctx.status = 204;
  });
}
