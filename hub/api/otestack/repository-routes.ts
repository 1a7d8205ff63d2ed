import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ConflictError, ForbiddenError, NotFoundError } from "../../core/errors";
import type { RegistryClient } from "../../registry/client";
import type { ApiContext, ApiMiddleware, ApiState } from "../context";
import { compose } from "../middleware/compose";
import { validate400 } from "./bad-request";
import { input, validate } from "../middleware/validate";
import { deleteBody, ok, okPage, unix } from "./envelope";
import { caller, oteAuth, oteRole } from "./identity";
import { objectOf, oteId } from "./ids";
import { presentExternal } from "./presenters";
import { OteIdParams, Order, paging } from "./schemas";
import type { RegistryCredential } from "../../core/registry-credentials";
import type { OteSettings } from "./settings";
import {
  isPublicProject,
  projectOfRepository,
  registryOf,
  seesProject,
  span,
  tagTimes,
} from "./registry-access";

/** The images of one project (`projectName` required, as documented: 400 without it). */
const ImageQuery = z.object({
  imageName: z.string().optional(),
  projectName: z.string({ error: "is required" }).min(1, "is required"),
  orderBy: z.enum(["id"], { error: "must be id" }).default("id"),
  order: Order.default("desc"),
  ...paging(10),
});
const TagQuery = z.object({ imageName: z.string().min(1, "is required"), ...paging(10) });
const ImageRef = z.object({ imageName: z.string().min(1, "is required") });
const TagRef = z.object({
  imageName: z.string().min(1, "is required"),
  tag: z.string().min(1, "is required"),
});
/** The document's DELETE bodies. */
const ImageDeleteBody = z
  .object({ imageName: z.array(z.string().min(1)).min(1, "at least one image") })
  .transform((b) => b.imageName);
const TagDeleteBody = z.object({
  imageName: z.string().min(1, "is required"),
  tag: z.array(z.string().min(1)).min(1, "at least one tag"),
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
  const registry = () => registryOf(settings);

  // The document's image rows (projectName, public, imageName, imageAddress, times); the older
  // hub's tagCount and address stay beside them.
  router.get("/repository/image", auth, validate400(ImageQuery, "query"), async (ctx) => {
    const q = input(ctx, ImageQuery);
    if (!seesProject(core, caller(ctx), q.projectName))
      throw new ForbiddenError(`project ${q.projectName} is private`);
    const r = registry();
    const names = (await r.catalog())
      .filter((n) => !q.imageName || n.includes(q.imageName))
      .filter((n) => projectOfRepository(n) === q.projectName);
    const items = [];
    for (const name of names) {
      const tags = await r.tags(name);
      if (tags.length === 0) continue;
      const times = await tagTimes(r, name, tags);
      items.push({
        projectName: q.projectName,
        public: isPublicProject(core, q.projectName),
        imageName: name,
        imageAddress: `${r.host}/${name}`,
        ...span(times.map((t) => t.created)),
        tagCount: tags.length,
        address: `${r.host}/${name}`,
      });
    }
    items.sort((a, b) =>
      q.order === "asc" ? a.imageName.localeCompare(b.imageName) : b.imageName.localeCompare(a.imageName),
    );
    okPage(ctx, items, q.page, q.pageSize);
  });
  /** Deletes every tag of an image; 404 when it has none. */
  const deleteImage = async (r: RegistryClient, imageName: string) => {
    const tags = await r.tags(imageName);
    if (tags.length === 0) throw new NotFoundError("image", imageName);
    for (const t of tags) await r.deleteTag(imageName, t);
  };
  /** The document's form when the body carries `field`; else the older query form. */
  const byForm =
    (field: string, documented: ApiMiddleware, legacy: ApiMiddleware): ApiMiddleware =>
    (ctx, next) => {
      const body = (ctx.request as { body?: Record<string, unknown> }).body;
      return body?.[field] !== undefined ? documented(ctx, next) : legacy(ctx, next);
    };
  // The document sends `{imageName: [..]}` in the body; the older hub took `?imageName=`.
  router.delete(
    "/repository/image",
    ...admin,
    deleteBody(),
    byForm(
      "imageName",
      compose([
        validate400(ImageDeleteBody),
        async (ctx) => {
          const r = registry();
          for (const name of input(ctx, ImageDeleteBody)) await deleteImage(r, name);
          ok(ctx);
        },
      ]),
      compose([
        validate400(ImageRef, "query"),
        async (ctx) => {
          await deleteImage(registry(), input(ctx, ImageRef).imageName);
          ok(ctx);
        },
      ]),
    ),
  );
  router.get("/repository/image/tag", auth, validate400(TagQuery, "query"), async (ctx) => {
    const q = input(ctx, TagQuery);
    const r = registry();
    const tags = await r.tags(q.imageName);
    const items = [];
    for (const { tag, created } of await tagTimes(r, q.imageName, tags))
      items.push({
        tag,
        imageAddress: `${r.host}/${q.imageName}`,
        createTime: unix(created),
        updateTime: unix(created),
        digest: await r.digest(q.imageName, tag),
        image: `${r.host}/${q.imageName}:${tag}`,
      });
    okPage(ctx, items, q.page, q.pageSize);
  });
  const deleteTags = async (imageName: string, tags: string[]) => {
    const r = registry();
    for (const tag of tags)
      if (!(await r.deleteTag(imageName, tag))) throw new NotFoundError("tag", `${imageName}:${tag}`);
  };
  // The document: `{imageName, tag: [..]}` in the body; the older hub: `?imageName=&tag=`.
  router.delete(
    "/repository/image/tag",
    ...admin,
    deleteBody(),
    byForm(
      "tag",
      compose([
        validate400(TagDeleteBody),
        async (ctx) => {
          const b = input(ctx, TagDeleteBody);
          await deleteTags(b.imageName, b.tag);
          ok(ctx);
        },
      ]),
      compose([
        validate400(TagRef, "query"),
        async (ctx) => {
          const q = input(ctx, TagRef);
          await deleteTags(q.imageName, [q.tag]);
          ok(ctx);
        },
      ]),
    ),
  );

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
  /** Only its owner (or the global admin) deletes a registry credential (core object.write). */
  const mayDelete = (ctx: ApiContext, repo: RegistryCredential) =>
    core.authz.require(
      caller(ctx),
      "object.write",
      { kind: "object", owner: repo.owner, unitId: null },
      `external repository ${repo.name} is not yours`,
    );
  router.delete("/repository/external/:id", ...admin, validate(OteIdParams, "params"), (ctx) => {
    const repo = external(ctx);
    mayDelete(ctx, repo);
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
    for (const repo of repos) mayDelete(ctx, repo);
    // Core refuses (409) while an app version or a live deployment pulls with a record, so a
    // delete never breaks a running deployment (README: OTE-stack compatibility).
    for (const repo of repos) core.registryCredentials.delete(repo);
    ok(ctx);
  });
}
