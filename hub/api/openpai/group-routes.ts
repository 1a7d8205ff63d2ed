import type Router from "@koa/router";
import { z } from "zod";
import { isPrototypeKey } from "../../core/names";
import type { Core } from "../../core";
import type { Group } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { ADMIN_GROUP, DEFAULT_VC, GROUP_NAME, type Access } from "./access";
import { paiAuth } from "./auth";
import { forbidden, noGroup, PaiError } from "./errors";
import { input } from "../middleware/validate";
import { paiInput } from "./input";

const ExtensionBody = z.looseObject({ extension: z.record(z.string(), z.unknown()) });
const DataBody = z.looseObject({ data: z.unknown() });
const DescriptionBody = z.looseObject({ description: z.string() });
const ExternalNameBody = z.looseObject({ externalName: z.string() });

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

/** `/extension/a/b`: the keys below extension (the router gives the wildcard as a list or a string). */
const ExtensionPath = z.looseObject({
  path: z
    .unknown()
    .transform((raw) => (Array.isArray(raw) ? raw.map(String) : String(raw).split("/")).filter(Boolean))
    // `__proto__` would walk into Object.prototype and change every object in the hub.
    .refine((keys) => !keys.some(isPrototypeKey), "must not name __proto__, constructor or prototype"),
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
  // The swagger's shape, `[{username, clusterAdmin}]`. Like OpenPAI (which filters every user by
  // the name), a group nobody is in, known or not, has an empty list: the SDK's suite relies on it.
  router.get(paths("/:groupname/userlist"), token, (ctx) => {
    ctx.body = core.groups
      .members(ctx.params.groupname as string)
      .map((u) => ({ username: u.username, clusterAdmin: access.isAdmin(u) }));
  });
  router.post(paths(""), admin, paiInput(NewGroup), (ctx) => {
    const b = input(ctx, NewGroup);
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
  router.put(paths(""), admin, paiInput(GroupUpdate), (ctx) => {
    const { data } = input(ctx, GroupUpdate);
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
  // The document has POST for the three group writes below; the rest-server also takes PUT.
  const write = (suffix: string, ...mw: Parameters<typeof router.put>[2][]) =>
    router.register(paths(suffix), ["PUT", "POST"], mw);
  write("/:groupname/extension", admin, paiInput(ExtensionBody), (ctx) => {
    const b = input(ctx, ExtensionBody);
    save({ ...target(ctx), extension: b.extension });
    created(ctx, "update group extension data successfully.");
  });
  // `/extension/acls/virtualClusters` with {data}: sets one nested extension attribute.
  write(
    "/:groupname/extension/*path",
    admin,
    paiInput(DataBody),
    paiInput(ExtensionPath, "params"),
    (ctx) => {
      const b = input(ctx, DataBody);
      const g = target(ctx);
      const keys = input(ctx, ExtensionPath).path;
      const extension = structuredClone(g.extension);
      let node: Record<string, unknown> = extension;
      for (const k of keys.slice(0, -1)) {
        if (!Object.hasOwn(node, k) || typeof node[k] !== "object" || node[k] === null) node[k] = {};
        node = node[k] as Record<string, unknown>;
      }
      node[keys[keys.length - 1] as string] = b.data;
      save({ ...g, extension });
      created(ctx, "update group extension data successfully.");
    },
  );
  write("/:groupname/description", admin, paiInput(DescriptionBody), (ctx) => {
    const b = input(ctx, DescriptionBody);
    save({ ...target(ctx), description: b.description });
    created(ctx, "update group description data successfully.");
  });
  write("/:groupname/externalname", admin, paiInput(ExternalNameBody), (ctx) => {
    const b = input(ctx, ExternalNameBody);
    save({ ...target(ctx), externalName: b.externalName });
    created(ctx, "update group externalNameData data successfully.");
  });
}
