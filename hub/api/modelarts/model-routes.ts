import type Router from "@koa/router";
import type { InferenceModel } from "../../core/inference-model-model";
import type { User } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, unsupported } from "./errors";
import type { InferenceServices } from "./inference-services";
import { publishModel } from "./model-check";
import { modelMetaOf, presentModel, presentModelItem, type ModelMeta } from "./model-presenter";
import { ModelCreate, ModelDeleteQuery, ModelListQuery, RuntimeQuery } from "./model-schemas";
import { TrainingJobs } from "./training-jobs";
import { checkImageReference } from "../../core/images";
import { ValidationError } from "../../core/errors";

/** ModelArts's code for an AI application id that does not exist. */
const MODEL_NOT_FOUND = "ModelArts.3013";

/** `/v1/{project_id}/models`: AI applications over the core's servable models. */
export function modelRoutes(
  router: Router<ApiState>,
  deps: ModelArtsDeps,
  services: InferenceServices,
): void {
  const { core, workspaces, auth } = deps;
  const base = "/v1/:project_id/models";
  const caller = (ctx: ApiContext): User => (ctx.state.principal as { user: User }).user;
  const visible = (ctx: ApiContext): InferenceModel[] => {
    const user = caller(ctx);
    return core.inferenceModels
      .list()
      .filter((m) =>
        core.authz.can(user, "object.read", { kind: "object", owner: m.owner, unitId: m.quotaUnitId }),
      );
  };
  const model = (ctx: ApiContext): InferenceModel => {
    const id = ctx.params.model_id as string;
    const m = visible(ctx).find((x) => x.id === id);
    if (!m) throw new ModelArtsError(400, MODEL_NOT_FOUND, `model ${id} does not exist`);
    return m;
  };

  router.get(`${base}/ai-engine-runtimes`, auth, validate(RuntimeQuery, "query"), (ctx) => {
    const q = input(ctx, RuntimeQuery);
    // One engine: a custom image serves the model; its runtimes are the catalog's registered images.
    const images = core.images.list();
    const gpus = core.nodes.list().some((n) => (n.hardware?.gpus.length ?? 0) > 0);
    const engines = [
      {
        ai_engine: "Custom",
        runtimes: images.map((i) => i.reference),
        request_mode: ["sync"],
        accelerators: [{ type: "none" }, ...(gpus ? [{ type: "gpu" }] : [])],
        arch: ["x86_64", "aarch64"],
        status_list: ["normal"],
        image_source: ["uniform_image"],
      },
    ];
    const page = engines.slice(q.offset, q.offset + q.limit);
    ctx.body = { count: engines.length, total_count: page.length, engine_runtimes: page };
  });

  router.get(base, auth, validate(ModelListQuery, "query"), (ctx) => {
    const q = input(ctx, ModelListQuery);
    if (q.model_type !== undefined && q.not_model_type !== undefined)
      throw new ModelArtsError(
        400,
        GENERIC.invalid,
        "invalid model_type: model_type and not_model_type exclude each other",
      );
    const exact = q.exact_match === "true";
    let items = visible(ctx).filter((m) => {
      const meta = modelMetaOf(m);
      return (
        (q.model_name === undefined || (exact ? m.name === q.model_name : m.name.includes(q.model_name))) &&
        (q.model_version === undefined || m.version === q.model_version) &&
        (q.model_status === undefined || m.status === q.model_status) &&
        (q.description === undefined || m.description.includes(q.description)) &&
        (q.workspace_id === undefined || meta.workspaceId === q.workspace_id) &&
        (q.model_type === undefined || meta.modelType === q.model_type) &&
        (q.not_model_type === undefined || meta.modelType !== q.not_model_type)
      );
    });
    // model_size is 0 for every image model, so it sorts like create_at.
    const versionKey = (m: InferenceModel) =>
      m.version
        .split(".")
        .map((d) => d.padStart(2, "0"))
        .join(".");
    const key = (m: InferenceModel): string | number =>
      q.sort_by === "model_version" ? versionKey(m) : m.createdAt;
    items = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (q.order === "desc") items.reverse();
    const page = items.slice(q.offset, q.offset + q.limit);
    ctx.body = {
      total_count: items.length,
      count: page.length,
      models: page.map((m) => presentModelItem(deps, m)),
    };
  });

  router.post(base, auth, validate(ModelCreate), async (ctx) => {
    const body = input(ctx, ModelCreate);
    const user = caller(ctx);
    const unit = workspaces.unitOf(body.workspace_id);
    core.authz.requireSubmit(user, { kind: "service", unitId: unit.id, priority: 0 });
    if (body.model_type === "Template")
      throw unsupported("importing a model from a template", "templates are ModelArts's own catalog");
    let image: string;
    let source: InferenceModel["source"] = { kind: "image", jobId: null, jobVersion: "" };
    if (body.source_job_id) {
      // A training job's output: served by the image the job ran (its outputs are in its image
      // or volumes, not in object storage); the job id is kept for tracing, as ModelArts does.
      const job = new TrainingJobs(deps).get(body.source_job_id);
      image =
        body.model_type === "Image" && body.source_location
          ? body.source_location
          : (job.roles[0]?.image ?? "");
      source = { kind: "training-job", jobId: job.id, jobVersion: body.source_job_version ?? "" };
    } else if (body.model_type === "Image") {
      if (!body.source_location)
        throw new ValidationError("source_location", "is required (the image to serve)");
      image = body.source_location;
    } else
      throw unsupported(
        `importing a ${body.model_type} model from ${body.source_location ?? "object storage"}`,
        "this hub has no object storage: import an image (model_type Image) or a training job's output (source_job_id)",
      );
    checkImageReference(image, "source_location");
    const meta: ModelMeta = {
      modelType: body.model_type,
      runtime: body.runtime ?? "",
      sourceLocation: body.source_location ?? image,
      sourceType: body.source_type ?? "",
      installType: body.install_type ?? ["real-time"],
      apis: body.apis ?? [],
      health: Object.fromEntries(
        Object.entries(body.health ?? {}).filter(([k, v]) => k !== "url" && typeof v === "string"),
      ) as Record<string, string>,
      workspaceId: body.workspace_id,
    };
    const created = core.inferenceModels.create({
      name: body.model_name,
      version: body.model_version,
      owner: user.username,
      quotaUnitId: unit.id,
      description: body.description ?? "",
      image,
      ...(body.port !== undefined ? { port: body.port } : {}),
      ...(body.health?.url !== undefined ? { healthPath: body.health.url } : {}),
      env: body.envs ?? {},
      source,
      meta: { modelarts: meta },
    });
    // Answer at once (model_status publishing, as ModelArts does); the image check publishes it.
    ctx.body = { model_id: created.id };
    void publishModel(deps, created).catch((err: unknown) => {
      deps.logger.warn({ err, modelId: created.id }, "model image check failed");
      core.inferenceModels.setStatus(created, "failed", `the image check failed: ${(err as Error).message}`);
    });
  });

  router.get(`${base}/:model_id`, auth, (ctx) => {
    ctx.body = presentModel(deps, model(ctx));
  });

  router.delete(`${base}/:model_id`, auth, validate(ModelDeleteQuery, "query"), (ctx) => {
    const q = input(ctx, ModelDeleteQuery);
    const m = model(ctx);
    const user = caller(ctx);
    if (!core.authz.can(user, "object.write", { kind: "object", owner: m.owner, unitId: m.quotaUnitId }))
      throw new ModelArtsError(403, GENERIC.forbidden, `model ${m.id} belongs to ${m.owner}`);
    const deleted = core.inferenceModels.delete(m, q.cascade === "true", (x) => services.modelUsers(x));
    ctx.body = {
      delete_success_list: deleted.map((d) => d.id),
      delete_failed_list: [],
    };
  });
}
