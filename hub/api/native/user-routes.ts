import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ConflictError } from "../../core/errors";
import type { User } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";

const NewUserBody = z.object({
  username: z.string().min(1, "is required"),
  password: z.string().min(1, "is required"),
  admin: z.boolean().default(false),
  email: z.string().max(256).optional(),
});
/** `status`: active or disabled (the other core standings come from OTE-stack's approval flow). */
const UserPatch = z.object({
  admin: z.boolean().optional(),
  status: z.enum(["active", "disabled"]).optional(),
});
const PasswordBody = z.object({ password: z.string().min(1, "is required") });
const UserParams = z.object({ username: z.string().min(1, "is required") });

const iso = (ms: number): string => new Date(ms).toISOString();

/** User JSON: never the password hash. */
export function presentUser(u: User) {
  return {
    id: u.id,
    username: u.username,
    admin: u.admin,
    status: u.status,
    email: u.email,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

/**
 * Users (admin; docs/native-api.md "Users"): list, create, make admin or not, disable or enable,
 * reset a password (which also signs the user out everywhere). An admin cannot demote or disable
 * themself, so the hub never loses its last way in by accident.
 */
export function userRoutes(router: Router<ApiState>, core: Core): void {
  const admin = [authenticate(core.auth), adminOnly(core.authz)];
  const params = validate(UserParams, "params");
  const named = (ctx: ApiContext) => core.users.get(input(ctx, UserParams).username);

  router.get("/users", ...admin, (ctx) => {
    ctx.body = { items: core.users.list().map(presentUser) };
  });
  router.post("/users", ...admin, validate(NewUserBody), async (ctx) => {
    const b = input(ctx, NewUserBody);
    const user = await core.users.create({
      username: b.username,
      password: b.password,
      admin: b.admin,
      ...(b.email !== undefined ? { email: b.email } : {}),
    });
    ctx.status = 201;
    ctx.body = presentUser(user);
  });
  router.get("/users/:username", ...admin, params, (ctx) => {
    ctx.body = presentUser(named(ctx));
  });
  router.patch("/users/:username", ...admin, params, validate(UserPatch), (ctx) => {
    const user = named(ctx);
    const patch = input(ctx, UserPatch);
    const self = user.id === ctx.state.principal!.user.id;
    if (self && (patch.admin === false || patch.status === "disabled"))
      throw new ConflictError("you cannot remove your own admin rights or disable yourself");
    let next = user;
    if (patch.admin !== undefined && patch.admin !== next.admin)
      next = core.users.save({ ...next, admin: patch.admin });
    if (patch.status !== undefined && patch.status !== next.status)
      next = core.users.setStatus(next, patch.status);
    ctx.body = presentUser(next);
  });
  router.post("/users/:username/password", ...admin, params, validate(PasswordBody), async (ctx) => {
    const user = await core.users.setPassword(named(ctx), input(ctx, PasswordBody).password);
    const keep = user.id === ctx.state.principal!.user.id ? ctx.state.principal!.token.id : undefined;
    core.auth.revokeOtherLogins(user.id, keep);
    ctx.body = presentUser(user);
  });
}
