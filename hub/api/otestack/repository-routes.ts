import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ConflictError, NotFoundError } from "../../core/errors";
import { RegistryClient } from "../../registry/client";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { deleteBody, ok, okPage } from "./envelope";
import { caller, oteAuth, oteRole, profile } from "./identity";
import { objectOf, oteId } from "./ids";
import { presentExternal } from "./presenters";
import { OteIdParams, Order, paging } from "./schemas";
import type { RegistryCredential } from "../../core/registry-credentials";
import type { OteSettings } from "./settings";

const ImageQuery = z.object({ imageName: z.string().optional(), ...paging(10) });
const ImageRef = z.object({ imageName: z.string().min(1, "is required") });
const TagRef = z.object({
  imageName: z.string().min(1, "is required"),
  tag: z.string().min(1, "is required"),
});
const ExternalBody = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "must be 1-63 letters, digits, '_' or '-'"),
  address: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "must be a registry host[:port]"),
  username: z.string().min(1, "is required"),
  password: z.string().min(1, "is required"),
});

/** The document's external repository: `repositoryId` is its unique name, `user` its login. */
const ThirdBody = z.object({
  repositoryId: ExternalBody.shape.name,
  address: ExternalBody.shape.address,
  user: z.string().min(1, "is required"),
  password: z.string().min(1, "is required"),
});
const ThirdDeleteBody = z.object({
  repositoryId: z.array(z.string().min(1)).min(1, "at least one repository"),
});
const ThirdListQuery = z.object({
  orderBy: z.enum(["id"], { error: "must be id" }).default("id"),
  order: Order.default("asc"),
  ...paging(10),
});
const presentThird = (core: Core, r: RegistryCredential) => ({
  id: oteId(core, "externalRepo", r.id),
  repositoryId: r.name,
  address: r.address,
  user: r.username,
});

export function repositoryRoutes(router: Router<ApiState>, core: Core, settings: OteSettings): void {
  const auth = oteAuth(core);
  const admin = [auth, oteRole(2)];
  const url = settings.registryUrl;
  const registry = (): RegistryClient => {
    if (!url) throw new ConflictError("no registry configured: set CORRAL_REGISTRY_URL on the hub");
    return new RegistryClient(url);
  };

  router.get("/repository/image", auth, validate(ImageQuery, "query"), async (ctx) => {
    const q = input(ctx, ImageQuery);
    const r = registry();
    const names = (await r.catalog()).filter((n) => !q.imageName || n.includes(q.imageName));
    const items = [];
    for (const name of names) {
      const tags = await r.tags(name);
      if (tags.length > 0)
        items.push({ imageName: name, tagCount: tags.length, address: `${r.host}/${name}` });
    }
    okPage(ctx, items, q.page, q.pageSize);
  });
  router.delete("/repository/image", ...admin, validate(ImageRef, "query"), async (ctx) => {
    const { imageName } = input(ctx, ImageRef);
    const r = registry();
    const tags = await r.tags(imageName);
    if (tags.length === 0) throw new NotFoundError("image", imageName);
    for (const t of tags) await r.deleteTag(imageName, t);
    ok(ctx);
  });
  router.get("/repository/image/tag", auth, validate(ImageRef, "query"), async (ctx) => {
    const { imageName } = input(ctx, ImageRef);
    const r = registry();
    const tags = await r.tags(imageName);
    const items = [];
    for (const tag of tags)
      items.push({
        tag,
        digest: await r.digest(imageName, tag),
        image: `${r.host}/${imageName}:${tag}`,
      });
    ok(ctx, items, { total: items.length });
  });
  router.delete("/repository/image/tag", ...admin, validate(TagRef, "query"), async (ctx) => {
    const { imageName, tag } = input(ctx, TagRef);
    if (!(await registry().deleteTag(imageName, tag))) throw new NotFoundError("tag", `${imageName}:${tag}`);
    ok(ctx);
  });
  // The hub's users are the registry's users (it has no accounts of its own).
  router.get("/repository/user", ...admin, (ctx) => {
    const users = core.users.list().filter((u) => profile(u).status === 1);
    ok(
      ctx,
      users.map((u) => ({ username: u.username, role: profile(u).role, namespaces: profile(u).namespaces })),
      {
        total: users.length,
      },
    );
  });
  // Projects are the first path segment of repository names (Harbor-style `project/image`).
  router.get("/repository/project", auth, async (ctx) => {
    const names = await registry().catalog();
    const projects = new Map<string, number>();
    for (const n of names) {
      const p = n.includes("/") ? (n.split("/")[0] as string) : "library";
      projects.set(p, (projects.get(p) ?? 0) + 1);
    }
    ok(
      ctx,
      [...projects].map(([projectName, repoCount]) => ({ projectName, repoCount })),
      { total: projects.size },
    );
  });

  // External repositories are core registry credentials, under OTE integer ids.
  router.post("/repository/external", ...admin, validate(ExternalBody), (ctx) => {
    const body = input(ctx, ExternalBody);
    if (core.registryCredentials.list().some((r) => r.name === body.name))
      throw new ConflictError(`external repository ${body.name} already exists`);
    const repo = core.registryCredentials.create({ ...body, owner: caller(ctx).username });
    ok(ctx, presentExternal(core, repo));
  });
  router.get("/repository/external", auth, (ctx) => {
    const repos = core.registryCredentials.list();
    ok(
      ctx,
      repos.map((r) => presentExternal(core, r)),
      { total: repos.length },
    );
  });
  const external = (ctx: ApiContext) => {
    const { id } = input(ctx, OteIdParams);
    const repo = core.registryCredentials.find(objectOf(core, "externalRepo", id, "external repository"));
    if (!repo) throw new NotFoundError("external repository", String(id));
    return repo;
  };
  router.get("/repository/external/:id", auth, validate(OteIdParams, "params"), (ctx) =>
    ok(ctx, presentExternal(core, external(ctx))),
  );
  router.delete("/repository/external/:id", ...admin, validate(OteIdParams, "params"), (ctx) => {
    const repo = external(ctx);
    const user = core.serviceTemplates.list().find((a) => a.spec.registryCredentialId === repo.id);
    if (user)
      throw new ConflictError(`external repository ${repo.name} is used by app ${user.name}:${user.version}`);
    core.registryCredentials.delete(repo);
    ok(ctx);
  });

  // The document's /v1/repository/third: the same core registry credentials, found by name.
  const third = (name: string) => {
    const repo = core.registryCredentials.list().find((r) => r.name === name);
    if (!repo) throw new NotFoundError("external repository", name);
    return repo;
  };
  router.post("/repository/third", ...admin, validate(ThirdBody), (ctx) => {
    const b = input(ctx, ThirdBody);
    if (core.registryCredentials.list().some((r) => r.name === b.repositoryId))
      throw new ConflictError(`external repository ${b.repositoryId} already exists`);
    core.registryCredentials.create({
      name: b.repositoryId,
      address: b.address,
      username: b.user,
      password: b.password,
      owner: caller(ctx).username,
    });
    ok(ctx);
  });
  router.get("/repository/third", auth, validate(ThirdListQuery, "query"), (ctx) => {
    const q = input(ctx, ThirdListQuery);
    const items = core.registryCredentials
      .list()
      .map((r) => presentThird(core, r))
      .sort((a, b) => (q.order === "asc" ? a.id - b.id : b.id - a.id));
    okPage(ctx, items, q.page, q.pageSize);
  });
  router.get("/repository/third/:repoId", auth, (ctx) => {
    const repo = third(ctx.params["repoId"] as string);
    const { id: _id, ...shown } = presentThird(core, repo);
    ok(ctx, shown);
  });
  router.delete("/repository/third", ...admin, deleteBody(), validate(ThirdDeleteBody), (ctx) => {
    const repos = input(ctx, ThirdDeleteBody).repositoryId.map(third);
    // Core refuses (409) while an app version or a live deployment pulls with a record, so a
    // delete never breaks a running deployment (README: OTE-stack compatibility).
    for (const repo of repos) core.registryCredentials.delete(repo);
    ok(ctx);
  });
}
