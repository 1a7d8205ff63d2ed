import type Router from "@koa/router";
import type { Core } from "../../core";
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from "../../core/errors";
import type { User } from "../../core/model";
import { verifyPassword } from "../../core/passwords";
import type { ApiState } from "../context";
import { tokenFrom } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { ok, okPage, unix } from "./envelope";
import { caller, canSee, documentedRole, oteAuth, oteRole, profile, seesAll, withProfile } from "./identity";
import { OTE_IDS, oteId } from "./ids";
import {
  LoginBody,
  PasswordChangeBody,
  PasswordResetBody,
  RegisterBody,
  SubUserBody,
  UserAuditBody,
  UserListQuery,
  UserParams,
  UserStatusBody,
} from "./schemas";
import type { OteSettings } from "./settings";

/** OTE tokens last one hour (jwtExpiredSeconds=3600). */
export const OTE_TOKEN_TTL_SEC = 3600;

/** A user: the document's fields (id, user, realName, status, phone, times) and the older ones. */
export const presentUser = (core: Core, u: User) => {
  const p = profile(u);
  return {
    id: oteId(core, "user", u.id),
    user: u.username,
    realName: p.realName,
    uid: u.id,
    username: u.username,
    email: u.email,
    phone: p.phone,
    role: p.role,
    status: p.status,
    isAdmin: p.role >= 2,
    namespaces: p.namespaces,
    comment: p.comment,
    createTime: unix(u.createdAt),
    updateTime: unix(u.updatedAt),
  };
};

/**
 * Whether `admin` may manage `target`: core.authz decides (`user.manage`: the global admin anyone,
 * a quota-unit admin the users of its units whose own administration lies within its own), with
 * OTE's rule that nobody manages their own account through these routes.
 */
function manageable(core: Core, admin: User, target: User): boolean {
  return admin.id !== target.id && core.authz.can(admin, "user.manage", { kind: "user", user: target });
}

export function authorizationRoutes(router: Router<ApiState>, core: Core, settings: OteSettings): void {
  const auth = oteAuth(core);
  router.post("/authorization", validate(LoginBody), async (ctx) => {
    const body = input(ctx, LoginBody);
    // core.auth refuses a user not approved (pending, rejected, forbidden) with a 403.
    ok(ctx, undefined, {
      token: (await core.auth.login(body.user, body.password, OTE_TOKEN_TTL_SEC, { address: ctx.ip })).token,
    });
  });
  router.put("/authorization", auth, (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new UnauthenticatedError("not logged in");
    // A refresh keeps the time of the password login it descends from (not a fresh login).
    const token = core.auth.issue(p.user, "login", OTE_TOKEN_TTL_SEC, p.token.authAt).token;
    core.auth.revoke(p.token.id, { address: ctx.ip });
    ok(ctx, undefined, { token });
  });
  router.delete("/authorization", auth, (ctx) => {
    if (ctx.state.principal) core.auth.revoke(ctx.state.principal.token.id, { address: ctx.ip });
    ok(ctx);
  });
  router.get("/authorization", auth, (ctx) => {
    const token = tokenFrom(ctx) ?? "";
    const exp = core.auth.claims(token).exp ?? null;
    const me = caller(ctx);
    ok(ctx, {
      ...presentUser(core, me),
      displayName: me.username,
      // The caller made an account for the hub's registry (POST /v1/repository/user).
      hasRepoAccount: core.registryAccounts.of(me.id) !== undefined,
      role: documentedRole(me),
      // Platform switches: no private-project mode (each project picks `public`), no ingress or alerts.
      privateProject: false,
      enableIngress: false,
      enableAlert: false,
      enableAdminAutoDeploy: settings.adminAutoDeploy,
      expireTime: exp,
    });
  });
}

export function userRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const admin = [auth, oteRole(2)];

  router.post("/user", validate(RegisterBody), async (ctx) => {
    const body = input(ctx, RegisterBody);
    const user = await core.users.create({
      username: body.user,
      password: body.password,
      email: body.email ?? "",
      // Self-registered users wait for an administrator's review (OTE status 0).
      status: "pending",
      extension: {
        otestack: {
          role: 0,
          phone: body.phone ?? "",
          realName: body.realName ?? "",
          namespaces: body.namespace ? [body.namespace] : [],
          wantsAdmin: body.isAdmin,
          comment: "",
        },
      },
    });
    ok(ctx, presentUser(core, user));
  });
  // The document's PUT /v1/user {oldPassword, password}; the older hub's PUT /v1/user/password.
  for (const path of ["/user", "/user/password"])
    router.put(path, auth, validate(PasswordChangeBody), async (ctx) => {
      const body = input(ctx, PasswordChangeBody);
      const user = caller(ctx);
      if (!(await verifyPassword(body.oldPassword, user.passwordHash)))
        throw new ForbiddenError("old password is wrong");
      await core.users.setPassword(user, body.password);
      core.auth.revokeAllTokens(user.id, ctx.state.principal?.token.id);
      ok(ctx);
    });

  router.get("/admin/user", ...admin, validate(UserListQuery, "query"), (ctx) => {
    const q = input(ctx, UserListQuery);
    const me = caller(ctx);
    const users = core.users
      .list()
      .filter((u) => q.status === undefined || profile(u).status === q.status)
      // Users of the caller's namespaces and those it may manage (core.authz): not every user of
      // every surface (users with no OTE namespace were listed to any administrator before).
      .filter(
        (u) =>
          seesAll(me) ||
          u.id === me.id ||
          profile(u).namespaces.some((ns) => canSee(core, me, ns)) ||
          manageable(core, me, u),
      )
      .map((u) => presentUser(core, u))
      .sort((a, b) => (q.orderBy === "id" ? a.id - b.id : a.user.localeCompare(b.user)));
    okPage(ctx, q.order === "desc" ? users.reverse() : users, q.page, q.pageSize);
  });
  router.post("/admin/user", ...admin, validate(SubUserBody), async (ctx) => {
    const body = input(ctx, SubUserBody);
    const me = caller(ctx);
    // The document: the sub-user shares the administrator's business namespace.
    const namespaces = body.namespace ? [body.namespace] : profile(me).namespaces.slice(0, 1);
    if (body.namespace && !canSee(core, me, body.namespace))
      throw new ForbiddenError(`namespace ${body.namespace} is not yours`);
    const role = body.role ?? (body.isAdmin ? 2 : 1);
    if (role >= profile(me).role && profile(me).role < 4)
      throw new ForbiddenError("a sub-user's role must be below yours");
    const user = await core.users.create({
      username: body.user,
      password: body.password,
      email: body.email ?? "",
      extension: {
        otestack: {
          role,
          phone: body.phone ?? "",
          realName: body.realName ?? "",
          namespaces,
          wantsAdmin: false,
          comment: `created by ${me.username}`,
        },
      },
    });
    ok(ctx, presentUser(core, user));
  });
  /** The user in the path: the document's numeric OTE user id, or (older hubs) the user name. */
  const target = (ctx: { params: Record<string, string | undefined> }, me: User): User => {
    const key = ctx.params["user"] ?? "";
    const byId = /^\d+$/.test(key) ? core.surfaceIds.objectOf(OTE_IDS.user, Number(key)) : undefined;
    const user =
      (byId === undefined ? undefined : core.users.list().find((u) => u.id === byId)) ?? core.users.find(key);
    if (!user) throw new NotFoundError("user", key);
    if (!manageable(core, me, user)) throw new ForbiddenError(`user ${user.username} is not yours to manage`);
    return user;
  };
  router.delete("/admin/user/:user", ...admin, validate(UserParams, "params"), (ctx) => {
    const user = target(ctx, caller(ctx));
    if (core.replicatedServices.list().some((s) => s.owner === user.username))
      throw new ConflictError(`user ${user.username} still owns deployments`);
    core.auth.revokeOtherLogins(user.id);
    core.users.remove(user);
    ok(ctx);
  });
  router.put("/admin/user/:user/password", ...admin, validate(PasswordResetBody), async (ctx) => {
    const user = target(ctx, caller(ctx));
    await core.users.setPassword(user, input(ctx, PasswordResetBody).password);
    core.auth.revokeAllTokens(user.id, undefined, "password reset");
    ok(ctx);
  });
  // The document's audit: status 0-3, the role following from the request (isAdmin) on approval.
  router.put("/admin/user/:user", ...admin, validate(UserStatusBody), (ctx) => {
    const body = input(ctx, UserStatusBody);
    const user = target(ctx, caller(ctx));
    const p = profile(user);
    const role = body.status === 1 && p.role === 0 ? (p.wantsAdmin ? 2 : 1) : p.role;
    const saved = core.users.save(withProfile(user, { status: body.status, role, comment: body.comment }));
    if (body.status !== 1) core.auth.revokeOtherLogins(user.id);
    ok(ctx, presentUser(core, saved));
  });
  router.put("/admin/user/:user/status", ...admin, validate(UserAuditBody), (ctx) => {
    const body = input(ctx, UserAuditBody);
    const me = caller(ctx);
    const user = target(ctx, me);
    const p = profile(user);
    const role = body.role ?? (body.status === 1 ? (p.role > 0 ? p.role : p.wantsAdmin ? 2 : 1) : p.role);
    if (role >= profile(me).role && profile(me).role < 4)
      throw new ForbiddenError("cannot grant a role as high as yours");
    const saved = core.users.save(withProfile(user, { status: body.status, role, comment: body.comment }));
    if (body.status !== 1) core.auth.revokeOtherLogins(user.id);
    ok(ctx, presentUser(core, saved));
  });
}
