import type Router from "@koa/router";
import { ValidationError } from "../../core/errors";
import type { User, Workload } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { reachableNotebook } from "./access";
import { notebooksOf } from "./authoring-routes";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError, unsupported } from "./errors";
import { notebookFlavors, presentFlavor } from "./notebook-flavors";
import {
  liveNotebookOf,
  NOTEBOOK_PORT,
  WORK_DIR,
  WORK_VOLUME,
  notebookOf,
  notebookStatus,
  withNotebook,
  type NotebookMeta,
} from "./notebook-model";
import { presentLease, presentNotebook } from "./notebook-presenter";
import { imageMetaOf, presentImage, type ImageMeta } from "./image-presenter";
import {
  CreateImageBody,
  FlavorQuery,
  LeaseReq,
  NotebookCreate,
  NotebookListQuery,
  NotebookUpdate,
  StartQuery,
  TagsBody,
} from "./notebook-schemas";
import { pageOf } from "./paging";
import { iamUserId } from "./iam-users";

/** Business errors of the notebook group (ModelArts's codes, HTTP 400). */
const notebookError = (code: string, msg: string) => new ModelArtsError(400, `ModelArts.${code}`, msg);

/** `/v1/{project_id}/notebooks`: notebooks are interactive core workloads with a managed volume. */
export function notebookRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project, workspaces, auth } = deps;
  const base = "/v1/:project_id/notebooks";
  const caller = (ctx: ApiContext): User => (ctx.state.principal as { user: User }).user;
  const view = (ctx: ApiContext) => ({
    core,
    project,
    caller: caller(ctx),
    origin: `${ctx.protocol}://${ctx.host}`,
  });
  const isNotebook = (w: Workload) => liveNotebookOf(w) !== undefined;
  /** The owner's IAM user id (the `owner` filter takes it, or the user name). */
  const ownerIamId = (w: Workload): string | undefined => {
    const owner = core.users.find(w.owner);
    return owner && iamUserId(owner);
  };
  const notebook = (ctx: ApiContext): Workload =>
    reachableNotebook(core, caller(ctx), ctx.params.id as string);
  const status = (w: Workload) =>
    notebookStatus(w, core.workloads.tasks(w.id)[0], notebookOf(w) as NotebookMeta);
  const flavorOf = (id: string) => {
    const f = notebookFlavors(core).find((x) => x.id === id);
    if (!f)
      throw new ValidationError(
        "flavor",
        `no flavor ${id}: GET /v1/{project_id}/notebooks/flavors lists them`,
      );
    return f;
  };
  const imageOf = (id: string) => {
    const image = core.images.find(id);
    if (!image)
      throw new ValidationError(
        "image_id",
        `no registered image ${id}: register it with POST /v1/{project_id}/images`,
      );
    return image;
  };

  const list = (all: boolean) => (ctx: ApiContext) => {
    const q = input(ctx, NotebookListQuery);
    const user = caller(ctx);
    const ws = q.workspace_id ?? q.workspaceId;
    let items = core.workloads
      .list({ owner: all && user.admin ? undefined : user.username })
      .filter(isNotebook)
      .filter((w) => {
        const nb = notebookOf(w) as NotebookMeta;
        return (
          (q.name === undefined || w.name.includes(q.name)) &&
          (q.status === undefined || status(w) === q.status.toUpperCase()) &&
          (q.feature === undefined || nb.feature === q.feature) &&
          (q.pool_id === undefined || nb.poolId === q.pool_id) &&
          (ws === undefined || nb.workspaceId === ws) &&
          (q.flavor === undefined || nb.flavor === q.flavor) &&
          (q.image_id === undefined || nb.imageId === q.image_id) &&
          (q.id === undefined || w.id === q.id) &&
          (q.owner === undefined || w.owner === q.owner || ownerIamId(w) === q.owner)
        );
      });
    const key = q.sort_key === "name" ? (w: Workload) => w.name : (w: Workload) => w.createdAt;
    items = items.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    if (q.sort_dir.toUpperCase() === "DESC") items.reverse();
    const v = view(ctx);
    const page = pageOf(items, q.offset, q.limit);
    ctx.body = { ...page, data: page.data.map((w) => presentNotebook(w, v)) };
  };
  router.get(base, auth, validate(NotebookListQuery, "query"), list(false));
  router.get(`${base}/all`, auth, validate(NotebookListQuery, "query"), list(true));

  router.post(base, auth, validate(NotebookCreate), (ctx) => {
    const body = input(ctx, NotebookCreate);
    const user = caller(ctx);
    if (body.volume.ownership === "DEDICATED") {
      throw unsupported(
        "volume.ownership DEDICATED",
        "dedicated EVS/SFS storage is Huawei cloud storage; use MANAGED",
      );
    }
    const unit = workspaces.unitOf(body.workspace_id);
    const quota = deps.config.modelartsNotebookQuota;
    if (notebooksOf(deps, user.username).length >= quota) {
      throw notebookError("0113", `the notebook quota of ${quota} instances is used up: delete one first`);
    }
    const flavor = flavorOf(body.flavor);
    const image = imageOf(body.image_id);
    const leaseMs = body.lease?.duration ?? body.duration;
    const nb: NotebookMeta = {
      description: body.description,
      flavor: flavor.id,
      imageId: image.id,
      feature: body.feature,
      poolId: body.pool_id ?? null,
      workspaceId: workspaces.idOf(unit),
      volume: {
        category: body.volume.category,
        ownership: body.volume.ownership,
        capacity: body.volume.capacity,
      },
      endpoints: body.endpoints.map((e) => ({
        service: e.service ?? "NOTEBOOK",
        key_pair_names: e.key_pair_names ?? [],
        uri: "",
        dev_service: e.dev_service ?? "",
      })),
      leaseType: (body.lease?.type ?? "timing").toLowerCase(),
      tags: [],
    };
    const charged = core.quotaUnits.chargedUnitId(unit);
    core.authz.requireSubmit(user, { kind: "interactive", unitId: unit.id, priority: 0 });
    const { workload } = core.workloads.submit({
      name: body.name,
      owner: user.username,
      kind: "interactive",
      cluster: body.pool_id ?? null,
      quotaUnitId: charged,
      roles: [
        {
          name: "notebook",
          image: image.reference,
          // The image's own entrypoint serves the notebook (Jupyter on NOTEBOOK_PORT).
          command: [],
          env: { MA_NOTEBOOK_PORT: String(NOTEBOOK_PORT), HOME: WORK_DIR.replace(/\/work$/, "") },
          instances: 1,
          resources: flavor.resources,
          ports: [],
          maxAttempts: 1,
          volumes: [{ name: WORK_VOLUME, mountPath: WORK_DIR }],
        },
      ],
      meta: { modelarts: { notebook: nb } },
      ...(leaseMs === undefined ? {} : { leaseMs }),
    });
    ctx.body = presentNotebook(workload, view(ctx));
  });

  router.get(`${base}/flavors`, auth, validate(FlavorQuery, "query"), (ctx) => {
    const q = input(ctx, FlavorQuery);
    const all = notebookFlavors(core).filter((f) => q.category === undefined || f.category === q.category);
    const page = pageOf(all.map(presentFlavor), q.offset, q.limit);
    ctx.body = { ...page, flavors: page.data };
  });

  router.get(`${base}/tags`, auth, (ctx) => {
    const keys = new Map<string, Set<string>>();
    const user = caller(ctx);
    for (const w of core.workloads
      .list({ owner: user.admin ? undefined : user.username })
      .filter(isNotebook)) {
      for (const t of (notebookOf(w) as NotebookMeta).tags)
        (keys.get(t.key) ?? keys.set(t.key, new Set()).get(t.key))?.add(t.value);
    }
    ctx.body = { tags: [...keys].map(([key, values]) => ({ key, values: [...values] })) };
  });

  router.get(`${base}/:id`, auth, (ctx) => {
    ctx.body = presentNotebook(notebook(ctx), view(ctx));
  });

  router.put(`${base}/:id`, auth, validate(NotebookUpdate), (ctx) => {
    const w = notebook(ctx);
    const body = input(ctx, NotebookUpdate);
    const nb = { ...(notebookOf(w) as NotebookMeta) };
    const reshaping = body.flavor !== undefined || body.image_id !== undefined;
    if (reshaping && status(w) !== "STOPPED") {
      throw notebookError("6357", "stop the notebook before changing its flavor or image");
    }
    const flavor = body.flavor === undefined ? undefined : flavorOf(body.flavor);
    const image = body.image_id === undefined ? undefined : imageOf(body.image_id);
    if (body.description !== undefined) nb.description = body.description;
    if (flavor) nb.flavor = flavor.id;
    if (image) nb.imageId = image.id;
    if (body.endpoints) nb.endpoints = body.endpoints;
    if (body.storage_new_size !== undefined) {
      if (body.storage_new_size < nb.volume.capacity) {
        throw new ValidationError(
          "storage_new_size",
          `the volume only grows (it is ${nb.volume.capacity} GB)`,
        );
      }
      nb.volume = { ...nb.volume, capacity: body.storage_new_size };
    }
    const updated = core.workloads.reshape(w, {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(image ? { image: image.reference } : {}),
      ...(flavor ? { resources: flavor.resources } : {}),
      meta: withNotebook(w, nb),
    });
    ctx.body = presentNotebook(updated, view(ctx));
  });

  router.delete(`${base}/:id`, auth, (ctx) => {
    const w = notebook(ctx);
    const s = status(w);
    if (!["STOPPED", "CREATE_FAILED", "START_FAILED", "ERROR"].includes(s)) {
      throw notebookError("6304", `notebook ${w.name} is ${s}: stop it before deleting it`);
    }
    const nb = { ...(notebookOf(w) as NotebookMeta), deleted: true };
    const deleted = core.workloads.updateMeta(w, withNotebook(w, nb));
    ctx.body = presentNotebook(deleted, view(ctx));
  });

  router.post(`${base}/:id/start`, auth, validate(StartQuery, "query"), (ctx) => {
    const w = notebook(ctx);
    const q = input(ctx, StartQuery);
    const s = status(w);
    if (s === "RUNNING") throw notebookError("6305", `notebook ${w.name} is running already`);
    if (["CREATING", "STARTING", "STOPPING", "SNAPSHOTTING"].includes(s)) {
      throw notebookError("6357", `notebook ${w.name} is ${s}: another operation is in progress`);
    }
    let meta = w.meta;
    if (q.type)
      meta = withNotebook(w, { ...(notebookOf(w) as NotebookMeta), leaseType: q.type.toLowerCase() });
    const fresh = meta === w.meta ? w : core.workloads.updateMeta(w, meta);
    const started = core.workloads.start(fresh, q.duration === undefined ? {} : { leaseMs: q.duration });
    ctx.body = presentNotebook(started, view(ctx));
  });

  router.post(`${base}/:id/stop`, auth, (ctx) => {
    const w = notebook(ctx);
    const s = status(w);
    if (s === "STOPPED") throw notebookError("6307", `notebook ${w.name} is stopped already`);
    if (s === "STOPPING" || s === "SNAPSHOTTING") {
      throw notebookError("6357", `notebook ${w.name} is ${s}: another operation is in progress`);
    }
    ctx.body = presentNotebook(core.workloads.stop(w), view(ctx));
  });

  const leaseOf = (w: Workload) => presentLease(w, notebookOf(w) as NotebookMeta);
  router.get(`${base}/:id/lease`, auth, (ctx) => {
    ctx.body = leaseOf(notebook(ctx));
  });
  router.patch(`${base}/:id/lease`, auth, validate(LeaseReq), (ctx) => {
    const w = notebook(ctx);
    const body = input(ctx, LeaseReq);
    if (status(w) !== "RUNNING")
      throw notebookError(
        "6348",
        `notebook ${w.name} is not running: only a running notebook's lease is prolonged`,
      );
    if (body.duration === undefined)
      throw notebookError("6346", "duration (ms) is required to prolong the lease");
    const updated = w.lease
      ? core.workloads.prolongLease(w, body.duration)
      : core.workloads.setLease(w, body.duration);
    ctx.body = leaseOf(updated);
  });

  router.get(`${base}/:id/flavors`, auth, validate(FlavorQuery, "query"), (ctx) => {
    const w = notebook(ctx);
    const q = input(ctx, FlavorQuery);
    const current = notebookFlavors(core).find((f) => f.id === (notebookOf(w) as NotebookMeta).flavor);
    // Switchable: the same category and architecture (ModelArts does not switch CPU <-> GPU).
    const all = notebookFlavors(core).filter(
      (f) => !current || (f.category === current.category && f.arch === current.arch),
    );
    const page = pageOf(all.map(presentFlavor), q.offset, q.limit);
    ctx.body = { ...page, flavors: page.data };
  });

  router.post(`${base}/:id/create-image`, auth, validate(CreateImageBody), async (ctx) => {
    const w = notebook(ctx);
    const body = input(ctx, CreateImageBody);
    if (status(w) !== "RUNNING")
      throw notebookError(
        "6357",
        `notebook ${w.name} is ${status(w)}: only a running notebook is saved as an image`,
      );
    const unit = workspaces.unitOf(body.workspace_id ?? (notebookOf(w) as NotebookMeta).workspaceId);
    const source = core.images.find((notebookOf(w) as NotebookMeta).imageId);
    const nb = notebookOf(w) as NotebookMeta;
    core.workloads.updateMeta(w, withNotebook(w, { ...nb, snapshotting: true }));
    try {
      const saved = await core.images.saveTask(caller(ctx), w, 0, {
        reference: `${body.namespace}/${body.name}:${body.tag}`,
        owner: caller(ctx).username,
        quotaUnitId: unit.id,
        description: body.description,
        meta: {
          modelarts: {
            ...(source ? imageMetaOf(source) : {}),
            origin: "IMAGE_SAVE",
            type: "DEDICATED",
            visibility: "PRIVATE",
            tags: [],
            readMe: "",
            workspaceId: workspaces.idOf(unit),
            arch: source ? imageMetaOf(source).arch : "x86_64",
            serviceType: source ? imageMetaOf(source).serviceType : "DEV",
            services: source ? imageMetaOf(source).services : ["NOTEBOOK"],
            resourceCategories: source ? imageMetaOf(source).resourceCategories : ["CPU", "GPU"],
          } satisfies ImageMeta,
        },
      });
      ctx.body = presentImage(saved);
    } finally {
      const fresh = core.workloads.find(w.id);
      if (fresh)
        core.workloads.updateMeta(
          fresh,
          withNotebook(fresh, { ...(notebookOf(fresh) as NotebookMeta), snapshotting: false }),
        );
    }
  });

  router.post(`${base}/:id/tags/create`, auth, validate(TagsBody), (ctx) => {
    const w = notebook(ctx);
    const nb = notebookOf(w) as NotebookMeta;
    const tags = new Map(nb.tags.map((t) => [t.key, t.value]));
    for (const t of input(ctx, TagsBody).tags) tags.set(t.key, t.value);
    core.workloads.updateMeta(
      w,
      withNotebook(w, { ...nb, tags: [...tags].map(([key, value]) => ({ key, value })) }),
    );
    ctx.status = 204;
  });
  router.delete(`${base}/:id/tags/delete`, auth, validate(TagsBody), (ctx) => {
    const w = notebook(ctx);
    const nb = notebookOf(w) as NotebookMeta;
    const drop = new Set(input(ctx, TagsBody).tags.map((t) => t.key));
    core.workloads.updateMeta(w, withNotebook(w, { ...nb, tags: nb.tags.filter((t) => !drop.has(t.key)) }));
    ctx.status = 204;
  });
}
