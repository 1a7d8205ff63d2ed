import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { Group } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { ADMIN_GROUP, DEFAULT_VC, GROUP_NAME, type Access } from "./access";
import { paiAuth } from "./auth";
import { forbidden, invalidParameters, noGroup, PaiError } from "./errors";
import { body } from "./input";

const NewGroup = z.looseObject({
  groupname: z.string().regex(GROUP_NAME, "must match ^[A-Za-z0-9_]+$"),
  description: z.string().default(""),
  externalName: z.string().default(""),
  extension: z.record(z.string(), z.unknown()).default({}),
});
const GroupUpdate = z.looseObject({
  data: z.looseObject({
    groupname: z.string(),
    description: z.string().optional(),
    externalName: z.string().optional(),
    extension: z.record(z.string(), z.unknown()).optional(),
  }),
  patch: z.boolean().optional(),
});

const paths = (suffix: string) => [`/api/v2/group${suffix}`, `/api/v2/groups${suffix}`];

export const presentGroup = (g: Group) => ({
  groupname: g.name,
  description: g.description,
  externalName: g.externalName,
  extension: g.extension,
});

/** Groups: /api/v2/groups (current) and /api/v2/group (legacy). Unknown groups are 400 NoGroupError. */
export function groupRoutes(router: Router<ApiState>, core: Core, access: Access): void {
  const token = paiAuth(core, access, "token");
  const admin = paiAuth(core, access, "admin");
  const target = (ctx: ApiContext): Group => {
    const g = core.groups.find(ctx.params.groupname as string);
    if (!g) throw noGroup(ctx.params.groupname as string, 400);
    return g;
  };
  /** Saves the group; members' admin rights follow its acls. */
  const save = (g: Group) => {
    core.groups.save(g);
    access.resyncMembers(g.name);
  };
  const created = (ctx: ApiContext, message: string) => {
    ctx.status = 201;
    ctx.body = { message };
  };

  router.get(paths(""), token, (ctx) => {
    ctx.body = core.groups.list().map(presentGroup);
  });
  router.get(paths("/:groupname"), token, (ctx) => {
    ctx.body = presentGroup(target(ctx));
  });
  router.get(paths("/:groupname/userlist"), token, (ctx) => {
    ctx.body = core.groups
      .members(target(ctx).name)
      .map((u) => ({ username: u.username, grouplist: u.groups, email: u.email }));
  });
  router.post(paths(""), admin, (ctx) => {
    const b = body(ctx, NewGroup, invalidParameters);
    if (core.groups.find(b.groupname))
      throw new PaiError(409, "ConflictGroupError", `Group name ${b.groupname} already exists.`);
    core.groups.create({
      name: b.groupname,
      description: b.description,
      externalName: b.externalName,
      extension: b.extension,
    });
    created(ctx, "group is created successfully");
  });
  router.put(paths(""), admin, (ctx) => {
    const { data } = body(ctx, GroupUpdate, invalidParameters);
    const g = core.groups.find(data.groupname);
    if (!g) throw noGroup(data.groupname, 404);
    save({
      ...g,
      description: data.description ?? g.description,
      externalName: data.externalName ?? g.externalName,
      extension: data.extension ?? g.extension,
    });
    created(ctx, "group is updated successfully");
  });
  router.delete(paths("/:groupname"), admin, (ctx) => {
    const g = target(ctx);
    if (g.name === ADMIN_GROUP || g.name === DEFAULT_VC)
      throw forbidden(`Group ${g.name} cannot be removed.`);
    core.groups.remove(g.name);
    ctx.body = { message: "group is removed successfully" };
  });
  router.put(paths("/:groupname/extension"), admin, (ctx) => {
    const b = body(ctx, z.looseObject({ extension: z.record(z.string(), z.unknown()) }), invalidParameters);
    save({ ...target(ctx), extension: b.extension });
    created(ctx, "update group extension data successfully.");
  });
  // `/extension/acls/virtualClusters` with {data}: sets one nested extension attribute.
  router.put(paths("/:groupname/extension/*path"), admin, (ctx) => {
    const b = body(ctx, z.looseObject({ data: z.unknown() }), invalidParameters);
    const g = target(ctx);
    const raw = ctx.params.path as unknown;
    const keys = (Array.isArray(raw) ? raw.map(String) : String(raw).split("/")).filter(Boolean);
    const extension = structuredClone(g.extension);
    let node: Record<string, unknown> = extension;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = b.data;
    save({ ...g, extension });
    created(ctx, "update group extension data successfully.");
  });
  router.put(paths("/:groupname/description"), admin, (ctx) => {
    const b = body(ctx, z.looseObject({ description: z.string() }), invalidParameters);
    save({ ...target(ctx), description: b.description });
    created(ctx, "update group description data successfully.");
  });
  router.put(paths("/:groupname/externalname"), admin, (ctx) => {
    const b = body(ctx, z.looseObject({ externalName: z.string() }), invalidParameters);
    save({ ...target(ctx), externalName: b.externalName });
    created(ctx, "update group externalNameData data successfully.");
  });
}
