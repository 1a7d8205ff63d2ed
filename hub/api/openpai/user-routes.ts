import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { User } from "../../core/model";
import { verifyPassword } from "../../core/passwords";
import type { ApiContext, ApiState } from "../context";
import { ADMIN_GROUP, DEFAULT_VC, type Access } from "./access";
import { caller, paiAuth } from "./auth";
import { forbidden, noGroup, noUser, noVc, PaiError } from "./errors";
import { input } from "../middleware/validate";
import { paiInput } from "./input";

const EmailBody = z.looseObject({ email: z.string() });
const ExtensionBody = z.looseObject({ extension: z.record(z.string(), z.unknown()) });
const VirtualClusterBody = z.looseObject({ virtualCluster: z.array(z.string()) });
const GrouplistBody = z.looseObject({ grouplist: z.array(z.string()) });
const GroupnameBody = z.looseObject({ groupname: z.string() });
const AdminBody = z.looseObject({
  admin: z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean()),
});

const USERNAME = /^[\w.-]+$/;
const NewUser = z.looseObject({
  username: z.string().regex(USERNAME, "must match ^[\\w.-]+$"),
  password: z.string().min(6),
  email: z.string().default(""),
  admin: z.boolean().default(false),
  virtualCluster: z.array(z.string()).optional(),
  grouplist: z.array(z.string()).optional(),
  extension: z.record(z.string(), z.unknown()).default({}),
});
const UserData = z.looseObject({
  username: z.string().optional(),
  email: z.string().optional(),
  password: z.string().min(6).optional(),
  oldPassword: z.string().optional(),
  admin: z.boolean().optional(),
  virtualCluster: z.array(z.string()).optional(),
  grouplist: z.array(z.string()).optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
});
const Patch = z.object({ patch: z.boolean().optional(), data: UserData });
const Password = z.looseObject({ oldPassword: z.string().optional(), newPassword: z.string().min(6) });

const PREFIXES = ["/api/v2/user", "/api/v2/users"];
const paths = (suffix: string) => PREFIXES.map((p) => `${p}${suffix}`);
const created = (ctx: ApiContext, message: string) => {
  ctx.status = 201;
  ctx.body = { message };
};

/** Users: /api/v2/users (current) and /api/v2/user (legacy), docs/compat/openpai.md §1a. */
export function userRoutes(router: Router<ApiState>, core: Core, access: Access): void {
  const token = paiAuth(core, access, "token");
  const user = paiAuth(core, access, "user");
  const admin = paiAuth(core, access, "admin");

  const present = (u: User) => ({
    username: u.username,
    grouplist: u.groups,
    email: u.email,
    extension: (u.extension.openpai ?? {}) as Record<string, unknown>,
    admin: access.isAdmin(u),
    virtualCluster: access.virtualClusters(u),
    storageConfig: [],
  });
  const target = (ctx: ApiContext): User => {
    const name = ctx.params.username as string;
    const u = core.users.find(name);
    if (!u) throw noUser(name, 404);
    return u;
  };
  const checkVcs = (vcs: string[]) => {
    for (const vc of vcs) if (!access.allVcNames().includes(vc)) throw noVc(vc, 400);
  };
  const checkGroups = (groups: string[]) => {
    for (const g of groups) if (!core.groups.find(g)) throw noGroup(g, 404);
  };
  /** Non-VC groups kept, VC groups replaced by default + `vcs` (VC access is group membership). */
  const withVcs = (u: User, vcs: string[]) => {
    const vcNames = new Set(access.allVcNames());
    return [...u.groups.filter((g) => !vcNames.has(g)), DEFAULT_VC, ...vcs];
  };
  const setAdmin = (u: User, on: boolean) =>
    access.setGroups(u, on ? [...u.groups, ADMIN_GROUP] : u.groups.filter((g) => g !== ADMIN_GROUP));
  /** Applies the fields of an update body (admin updates may change anything). */
  const apply = async (u: User, d: z.infer<typeof UserData>, asAdmin: boolean): Promise<User> => {
    if (d.virtualCluster) checkVcs(d.virtualCluster);
    if (d.grouplist) checkGroups(d.grouplist);
    let next = u;
    if (d.email !== undefined) next = core.users.save({ ...next, email: d.email });
    if (d.extension !== undefined)
      next = core.users.save({ ...next, extension: { ...next.extension, openpai: d.extension } });
    if (asAdmin && d.grouplist) next = access.setGroups(next, d.grouplist);
    if (asAdmin && d.virtualCluster) next = access.setGroups(next, withVcs(next, d.virtualCluster));
    if (asAdmin && d.admin !== undefined) next = setAdmin(next, d.admin);
    if (d.password !== undefined) {
      next = await core.users.setPassword(next, d.password);
      core.auth.revokeAllTokens(next.id);
    }
    return next;
  };

  router.get("/api/v2/users", token, (ctx) => {
    ctx.body = core.users.list().map(present);
  });
  router.get(["/api/v1/user/:username", ...paths("/:username")], token, (ctx) => {
    const u = core.users.find(ctx.params.username as string);
    if (!u) throw noUser(ctx.params.username as string, 400);
    ctx.body = present(u);
  });
  router.post([...paths(""), ...paths("/")], admin, paiInput(NewUser), async (ctx) => {
    const b = input(ctx, NewUser);
    if (core.users.find(b.username))
      throw new PaiError(409, "ConflictUserError", `User name ${b.username} already exists.`);
    checkVcs(b.virtualCluster ?? []);
    checkGroups(b.grouplist ?? []);
    const groups = [
      ...new Set([
        DEFAULT_VC,
        ...(b.grouplist ?? []),
        ...(b.virtualCluster ?? []),
        ...(b.admin ? [ADMIN_GROUP] : []),
      ]),
    ];
    const u = await core.users.create({
      username: b.username,
      password: b.password,
      email: b.email,
      extension: { openpai: b.extension },
    });
    access.setGroups(u, groups);
    created(ctx, "User is created successfully");
  });
  router.put("/api/v2/users", admin, paiInput(Patch), async (ctx) => {
    const b = input(ctx, Patch);
    const name = b.data.username ?? "";
    const u = core.users.find(name);
    if (!u) throw noUser(name, 404);
    await apply(u, b.data, true);
    created(ctx, "Update user data successfully.");
  });
  router.put("/api/v2/users/me", user, paiInput(Patch), async (ctx) => {
    const b = input(ctx, Patch);
    const me = caller(ctx).user;
    if (b.data.password !== undefined && !(await passwordMatches(me, b.data.oldPassword)))
      throw forbidden("Pls input the correct password.");
    const { admin: _a, grouplist: _g, virtualCluster: _v, ...own } = b.data;
    await apply(me, own, false);
    created(ctx, "Update user data successfully.");
  });
  router.delete(paths("/:username"), admin, (ctx) => {
    const u = target(ctx);
    if (access.isAdmin(u))
      throw new PaiError(403, "RemoveAdminError", `Admin ${u.username} is not allowed to remove.`);
    core.users.remove(u);
    ctx.body = { message: "user is removed successfully" };
  });
  router.put(paths("/:username/password"), user, paiInput(Password), async (ctx) => {
    const b = input(ctx, Password);
    const me = caller(ctx);
    const u = target(ctx);
    const asAdmin = access.isAdmin(me.user);
    if (!asAdmin && u.id !== me.user.id) throw forbidden("Non-admin is not allow to do this operation.");
    if (!asAdmin && !(await passwordMatches(u, b.oldPassword)))
      throw forbidden("Pls input the correct password.");
    await core.users.setPassword(u, b.newPassword);
    // Every token of the user, application tokens too; the caller's own session stays.
    core.auth.revokeAllTokens(u.id, u.id === me.user.id ? me.token.id : undefined);
    created(ctx, "update user password successfully.");
  });
  router.put(paths("/:username/email"), user, paiInput(EmailBody), (ctx) => {
    const b = input(ctx, EmailBody);
    const me = caller(ctx).user;
    const u = target(ctx);
    if (!access.isAdmin(me) && u.id !== me.id)
      throw forbidden("Non-admin is not allow to do this operation.");
    core.users.save({ ...u, email: b.email });
    created(ctx, "Update user email data successfully.");
  });
  router.put(paths("/:username/admin"), admin, paiInput(AdminBody), (ctx) => {
    const b = input(ctx, AdminBody);
    setAdmin(target(ctx), b.admin);
    created(ctx, "Update user admin permission successfully.");
  });
  // A user updates their own extension, an admin anyone's; the keys sent are added or replaced
  // ("key-you-wannat-add-or-update" in the document), the others kept.
  router.put(paths("/:username/extension"), user, paiInput(ExtensionBody), (ctx) => {
    const b = input(ctx, ExtensionBody);
    const me = caller(ctx).user;
    const u = target(ctx);
    if (!access.isAdmin(me) && u.id !== me.id)
      throw forbidden("Non-admin is not allow to do this operation.");
    const openpai = { ...((u.extension.openpai ?? {}) as Record<string, unknown>), ...b.extension };
    core.users.save({ ...u, extension: { ...u.extension, openpai } });
    created(ctx, "Update user extension data successfully.");
  });
  router.put(paths("/:username/virtualcluster"), admin, paiInput(VirtualClusterBody), (ctx) => {
    const b = input(ctx, VirtualClusterBody);
    const u = target(ctx);
    checkVcs(b.virtualCluster);
    if (access.isAdmin(u))
      throw forbidden("Admin's virtual clusters cannot be updated: admins use every virtual cluster.");
    access.setGroups(u, withVcs(u, b.virtualCluster));
    created(ctx, "Update user virtualCluster data successfully.");
  });
  router.put(paths("/:username/grouplist"), admin, paiInput(GrouplistBody), (ctx) => {
    const b = input(ctx, GrouplistBody);
    const u = target(ctx);
    checkGroups(b.grouplist);
    access.setGroups(u, b.grouplist);
    created(ctx, "update user grouplist successfully.");
  });
  router.put(paths("/:username/group"), admin, paiInput(GroupnameBody), (ctx) => {
    const b = input(ctx, GroupnameBody);
    const u = target(ctx);
    checkGroups([b.groupname]);
    access.setGroups(u, [...u.groups, b.groupname]);
    created(ctx, `User ${u.username} is added into group ${b.groupname}`);
  });
  router.delete(paths("/:username/group"), admin, paiInput(GroupnameBody), (ctx) => {
    const b = input(ctx, GroupnameBody);
    const u = target(ctx);
    checkGroups([b.groupname]);
    access.setGroups(
      u,
      u.groups.filter((g) => g !== b.groupname),
    );
    created(ctx, `User ${u.username} is removed from group ${b.groupname}`);
  });
}

async function passwordMatches(u: User, password: string | undefined): Promise<boolean> {
  return password !== undefined && verifyPassword(password, u.passwordHash);
}
