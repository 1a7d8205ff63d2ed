/**
 * The document's repository users and projects (Repository Management 5-9): a user's account for
 * the hub's registry (core registry accounts) and its projects (core registry projects, beside the
 * projects the registry's image names make). Bad parameters answer 400 as documented.
 */
import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ConflictError, ForbiddenError, NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { input } from "../middleware/validate";
import { OteBadRequest, validate400 } from "./bad-request";
import { deleteBody, ok, okPage, unix } from "./envelope";
import { caller, oteAuth, oteRole, profile, seesAll } from "./identity";
import { objectOf, oteId } from "./ids";
import {
  isPublicProject,
  projectOfRepository,
  registryOf,
  seesProject,
  span,
  tagTimes,
} from "./registry-access";
import { paging, Password } from "./schemas";
import type { OteSettings } from "./settings";

/** Harbor's login rule: letters, digits, '_', '.' or '-'. */
const RepoUserBody = z.object({
  user: z
    .string({ error: "is required" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, "must be 1-255 letters, digits, '_', '.' or '-'"),
  password: Password,
});
const RepoPasswordBody = z.object({ password: Password });

const ProjectName = z
  .string({ error: "is required" })
  .regex(/^[a-z0-9][a-z0-9._-]{0,254}$/, "must be 1-255 lower-case letters, digits, '.', '_' or '-'");
const ProjectBody = z.object({
  projectName: ProjectName,
  public: z.boolean({ error: "is required (true or false)" }),
});
const ProjectDeleteBody = z.object({
  projectId: z.array(z.number().int().min(1)).min(1, "at least one project"),
});
const ProjectQuery = z.object({
  projectName: z.string().optional(),
  public: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  ...paging(10),
});

/** 415 unless a body that came is JSON, as the document answers for its writes. */
function jsonBody(): ApiMiddleware {
  return async function jsonBody(ctx, next) {
    if (ctx.request.is("application/json") === false)
      ctx.throw(415, 'The Media Type of the request is not supported, it has to be "application/json"');
    await next();
  };
}

export function repositorySpaceRoutes(router: Router<ApiState>, core: Core, settings: OteSettings): void {
  const auth = oteAuth(core);
  const admin = [auth, oteRole(2)];
  const registry = () => registryOf(settings);

  /** Image names in the registry that have tags, by project. */
  const imagesByProject = async () => {
    const r = registry();
    const out = new Map<string, { name: string; tags: string[] }[]>();
    for (const name of await r.catalog()) {
      const tags = await r.tags(name);
      if (tags.length === 0) continue;
      const p = projectOfRepository(name);
      out.set(p, [...(out.get(p) ?? []), { name, tags }]);
    }
    return { r, out };
  };

  // The caller's own account for the hub's registry (GET /v1/authorization: hasRepoAccount).
  router.post("/repository/user", auth, jsonBody(), validate400(RepoUserBody), (ctx) => {
    const b = input(ctx, RepoUserBody);
    core.registryAccounts.create({ userId: caller(ctx).id, username: b.user, password: b.password });
    ok(ctx);
  });
  router.put("/repository/user", auth, jsonBody(), validate400(RepoPasswordBody), (ctx) => {
    const me = caller(ctx);
    if (!core.registryAccounts.of(me.id))
      throw new OteBadRequest(
        "user",
        "you have no repository account: create it with POST /v1/repository/user",
      );
    core.registryAccounts.setPassword(me.id, input(ctx, RepoPasswordBody).password);
    ok(ctx);
  });
  // Not in the document: the older hub's list of approved users, with their registry login.
  router.get("/repository/user", ...admin, (ctx) => {
    const users = core.users.list().filter((u) => profile(u).status === 1);
    ok(
      ctx,
      users.map((u) => ({
        username: u.username,
        role: profile(u).role,
        namespaces: profile(u).namespaces,
        repoUser: core.registryAccounts.of(u.id)?.username ?? null,
      })),
      { total: users.length },
    );
  });

  // Created projects and those the registry's image names make, each under an OTE integer id
  // kept by core surface ids (by name); times span their images' builds (else their creation).
  router.get("/repository/project", auth, validate400(ProjectQuery, "query"), async (ctx) => {
    const q = input(ctx, ProjectQuery);
    const me = caller(ctx);
    const { r, out } = await imagesByProject();
    const names = new Set([...core.registryProjects.list().map((p) => p.name), ...out.keys()]);
    const items = [];
    for (const name of names) {
      if (!seesProject(core, me, name)) continue;
      if (q.projectName && !name.includes(q.projectName)) continue;
      const isPublic = isPublicProject(core, name);
      if (q.public !== undefined && String(isPublic) !== q.public) continue;
      const images = out.get(name) ?? [];
      const times: (number | null)[] = [];
      for (const i of images) times.push(...(await tagTimes(r, i.name, i.tags)).map((t) => t.created));
      const created = core.registryProjects.byName(name)?.createdAt ?? null;
      const shown =
        images.length > 0 ? span(times) : { createTime: unix(created), updateTime: unix(created) };
      items.push({
        projectId: oteId(core, "project", name),
        projectName: name,
        ...shown,
        public: isPublic,
        imageCount: images.length,
        repoCount: images.length,
      });
    }
    items.sort((a, b) => a.projectId - b.projectId);
    okPage(ctx, items, q.page, q.pageSize);
  });
  router.post("/repository/project", auth, jsonBody(), validate400(ProjectBody), async (ctx) => {
    const b = input(ctx, ProjectBody);
    const { out } = await imagesByProject();
    // A name the registry's images already make is taken as well (409, as a created one).
    if (out.has(b.projectName) && !core.registryProjects.byName(b.projectName))
      throw new ConflictError(`project ${b.projectName} already exists`);
    const p = core.registryProjects.create({
      name: b.projectName,
      public: b.public,
      owner: caller(ctx).username,
    });
    ok(ctx, { projectId: oteId(core, "project", p.name), projectName: p.name });
  });
  // Every project is checked before any is deleted: its creator's or an administrator's who sees
  // every namespace, and empty (images go first, with DELETE /v1/repository/image).
  router.delete(
    "/repository/project",
    auth,
    deleteBody(),
    jsonBody(),
    validate400(ProjectDeleteBody),
    async (ctx) => {
      const me = caller(ctx);
      const { out } = await imagesByProject();
      const projects = input(ctx, ProjectDeleteBody).projectId.map((id) => {
        const name = objectOf(core, "project", id, "project");
        const images = out.get(name) ?? [];
        if (images.length > 0)
          throw new OteBadRequest(
            "projectId",
            `project ${name} still has ${images.length} image(s): delete them first`,
          );
        const p = core.registryProjects.byName(name);
        if (!p) throw new NotFoundError("project", String(id));
        if (p.owner !== me.username && !seesAll(me))
          throw new ForbiddenError(`project ${name} is ${p.owner}'s`);
        return p;
      });
      for (const p of projects) core.registryProjects.delete(p);
      ok(ctx);
    },
  );
}
