import type Router from "@koa/router";
import type { Core } from "../../core";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { LoginBody } from "./schemas";

export function authRoutes(router: Router<ApiState>, core: Core): void {
  router.post("/auth/login", validate(LoginBody), async (ctx) => {
    const body = input(ctx, LoginBody);
    const { token, record, user } = await core.auth.login(body.username, body.password, undefined, {
      address: ctx.ip,
    });
    ctx.body = {
      token,
      expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
      user: { username: user.username, admin: user.admin },
    };
  });
  router.post("/auth/logout", authenticate(core.auth), (ctx) => {
    core.auth.revoke(ctx.state.principal!.token.id, { address: ctx.ip });
    ctx.status = 204;
  });
  router.get("/auth/me", authenticate(core.auth), (ctx) => {
    const { user } = ctx.state.principal!;
    ctx.body = { username: user.username, admin: user.admin };
  });
}
