import crypto from "node:crypto";
import type Router from "@koa/router";
import type { ImageRecord } from "../../core/image-model";
import type { User } from "../../core/model";
import { RegistryClient } from "../../registry/client";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import { imageMetaOf, presentImage, splitReference, type ImageMeta } from "./image-presenter";
import { GroupDelete, GroupUpdate, ImageListQuery, ImageRegister } from "./image-schemas";
import { pageOf } from "./paging";

/** A group of images (ModelArts's image group: one repository, `namespace/name`, its tags). */
const groupKey = (i: ImageRecord) => {
  const r = splitReference(i.reference);
  return `${r.registry ? `${r.registry}/` : ""}${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
};
const groupId = (key: string) => crypto.createHash("sha256").update(key).digest("hex").slice(0, 32);

/** `/v1/{project_id}/images`: registered images over the core image catalog. */
export function imageRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, workspaces, auth, config } = deps;
  const base = "/v1/:project_id/images";
  const caller = (ctx: ApiContext): User => (ctx.state.principal as { user: User }).user;
  /** Images the caller may see: public ones, their own, and every one for admins. */
  const visible = (ctx: ApiContext): ImageRecord[] => {
    const user = caller(ctx);
    return core.images
      .list()
      .filter((i) => user.admin || i.owner === user.username || imageMetaOf(i).visibility === "PUBLIC");
  };
  const image = (ctx: ApiContext, id = ctx.params.id as string): ImageRecord => {
    const found = visible(ctx).find((i) => i.id === id);
    if (!found) throw new ModelArtsError(404, "ModelArts.6702", `image ${id} not found`);
    return found;
  };
  const mayChange = (ctx: ApiContext, i: ImageRecord) => {
    const user = caller(ctx);
    if (!user.admin && i.owner !== user.username) {
      throw new ModelArtsError(403, "ModelArts.0106", `image ${i.id} belongs to ${i.owner}`);
    }
  };

  router.get(base, auth, validate(ImageListQuery, "query"), (ctx) => {
    const q = input(ctx, ImageListQuery);
    const fuzzy = q.name_fuzzy_match !== "false";
    let items = visible(ctx).filter((i) => {
      const m = imageMetaOf(i);
      const r = splitReference(i.reference);
      return (
        (q.name === undefined || (fuzzy ? r.name.includes(q.name) : r.name === q.name)) &&
        (q.namespace === undefined || r.namespace === q.namespace) &&
        (q.service_type === undefined || m.serviceType === q.service_type) &&
        (q.type === undefined || m.type === q.type) &&
        (q.workspace_id === undefined || m.workspaceId === q.workspace_id)
      );
    });
    const key = (i: ImageRecord) =>
      q.sort_key === "name"
        ? splitReference(i.reference).name
        : q.sort_key === "update_at"
          ? i.updatedAt
          : i.createdAt;
    items = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (q.sort_dir.toUpperCase() === "DESC") items.reverse();
    const page = pageOf(items, q.offset, q.limit);
    ctx.body = { ...page, data: page.data.map(presentImage) };
  });

  router.post(base, auth, validate(ImageRegister), (ctx) => {
    const body = input(ctx, ImageRegister);
    const unit = workspaces.unitOf(body.workspace_id);
    const meta: ImageMeta = {
      arch: body.arch.toLowerCase() === "aarch64" ? "aarch64" : "x86_64",
      serviceType: body.service_type,
      visibility: body.visibility,
      origin: body.origin,
      services: body.services,
      resourceCategories: body.resource_category,
      type: "DEDICATED",
      tags: body.tags,
      readMe: body.read_me ?? "",
      workspaceId: workspaces.idOf(unit),
    };
    const registered = core.images.register({
      reference: body.swr_path,
      owner: caller(ctx).username,
      quotaUnitId: unit.id,
      description: body.description,
      meta: { modelarts: meta },
    });
    ctx.body = presentImage(registered);
  });

  router.get(`${base}/group`, auth, (ctx) => {
    const q = ctx.query;
    const offset = Math.max(0, Number(q.offset ?? 0) || 0);
    const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 10) || 10));
    const groups = new Map<string, ImageRecord[]>();
    for (const i of visible(ctx)) {
      const k = groupKey(i);
      (groups.get(k) ?? groups.set(k, []).get(k))?.push(i);
    }
    const name = typeof q.name === "string" ? q.name : undefined;
    const rows = [...groups]
      .filter(([k]) => name === undefined || k.split("/").pop()?.includes(name))
      .map(([k, images]) => {
        const r = splitReference(images[0]?.reference ?? "");
        return {
          id: groupId(k),
          name: r.name,
          namespace: r.namespace,
          create_at: Math.min(...images.map((i) => i.createdAt)),
          update_at: Math.max(...images.map((i) => i.updatedAt)),
          version_count: images.length,
          description: images[0]?.description ?? "",
          read_me: imageMetaOf(images[0] as ImageRecord).readMe,
        };
      });
    ctx.body = { ...pageOf(rows, offset, limit), is_swr_enterprise: false };
  });

  const groupImages = (ctx: ApiContext) => {
    const images = visible(ctx).filter((i) => groupId(groupKey(i)) === ctx.params.id);
    if (images.length === 0)
      throw new ModelArtsError(404, "ModelArts.6702", `image group ${ctx.params.id} not found`);
    for (const i of images) mayChange(ctx, i);
    return images;
  };
  router.delete(`${base}/group/:id`, auth, validate(GroupDelete), (ctx) => {
    const images = groupImages(ctx);
    const { is_force } = input(ctx, GroupDelete);
    const inUse = images.filter((i) =>
      core.workloads
        .list({ states: ["pending", "running", "stopping"] })
        .some((w) => w.roles.some((r) => r.image === i.reference)),
    );
    if (inUse.length > 0 && !is_force) {
      throw new ModelArtsError(
        400,
        "ModelArts.6707",
        `image ${inUse[0]?.reference} is used by running work: send is_force to delete the group anyway`,
      );
    }
    for (const i of images) core.images.remove(i);
    ctx.status = 204;
  });
  router.put(`${base}/group/:id`, auth, validate(GroupUpdate), (ctx) => {
    const body = input(ctx, GroupUpdate);
    for (const i of groupImages(ctx)) {
      const m = imageMetaOf(i);
      const tags = body.tags ? body.tags.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)) : m.tags;
      core.images.update(i, {
        meta: { ...i.meta, modelarts: { ...m, readMe: body.read_me ?? m.readMe, tags } },
      });
    }
    ctx.status = 204;
  });

  router.get(`${base}/:id`, auth, (ctx) => {
    ctx.body = presentImage(image(ctx));
  });

  router.delete(`${base}/:id`, auth, (ctx) => {
    const i = image(ctx);
    mayChange(ctx, i);
    core.images.remove(i);
    ctx.body = presentImage({ ...i, status: "absent", statusMessage: "deleted" });
  });

  router.post(`${base}/:id/sync`, auth, async (ctx) => {
    const i = image(ctx);
    mayChange(ctx, i);
    ctx.body = presentImage(await checkImage(deps, i, config.registryUrl));
  });
}

/**
 * Whether an image can be pulled: looked up in the hub's registry when the reference names it
 * (CORRAL_REGISTRY_URL), else on the nodes that ran it; the answer is kept with the image.
 */
async function checkImage(
  deps: ModelArtsDeps,
  image: ImageRecord,
  registryUrl: string | undefined,
): Promise<ImageRecord> {
  const { core } = deps;
  const ref = splitReference(image.reference);
  const registryHost = registryUrl ? new URL(registryUrl).host : undefined;
  if (registryUrl && ref.registry === registryHost) {
    const client = new RegistryClient(registryUrl);
    const repository = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
    const digest = await client.digest(repository, ref.tag);
    return digest
      ? core.images.setStatus(image, "present", `in ${registryHost} as ${digest}`)
      : core.images.setStatus(image, "absent", `${repository}:${ref.tag} is not in ${registryHost}`);
  }
  const seen = core.images.nodesWith(image.reference);
  return seen.length > 0
    ? core.images.setStatus(image, "present", `on node ${seen.join(", ")}`)
    : core.images.setStatus(
        image,
        "absent",
        `no node has run ${image.reference} and it names no configured registry`,
      );
}
