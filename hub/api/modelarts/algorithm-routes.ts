import type Router from "@koa/router";
import { z } from "zod";
import { ForbiddenError } from "../../core/errors";
import type { JobTemplate, NewJobTemplate } from "../../core/job-template-model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { unsupported } from "./errors";
import { ALGORITHM_SCOPE } from "./training-jobs";
import { Engine, Name, Parameter } from "./training-schemas";

const AlgorithmBody = z.object({
  metadata: z.object({
    name: Name,
    description: z.string().max(256).default(""),
    workspace_id: z.string().default("0"),
    ai_project: z.string().optional(),
  }),
  job_config: z.object({
    code_dir: z.string().optional(),
    boot_file: z.string().optional(),
    command: z.string().max(4096).default(""),
    parameters: z.array(Parameter).max(100).default([]),
    inputs: z
      .array(
        z.object({
          name: z.string().min(1).max(64),
          description: z.string().max(256).default(""),
          remote_constraints: z.array(z.record(z.string(), z.unknown())).optional(),
        }),
      )
      .max(100)
      .default([]),
    outputs: z
      .array(z.object({ name: z.string().min(1).max(64), description: z.string().max(256).default("") }))
      .max(100)
      .default([]),
    engine: Engine.default({}),
    parameters_customization: z.boolean().default(false),
  }),
  resource_requirements: z
    .array(
      z.object({
        key: z.string(),
        values: z.array(z.string()).default([]),
        operator: z.string().default("in"),
      }),
    )
    .default([]),
  advanced_config: z.record(z.string(), z.unknown()).optional(),
});
type AlgorithmBody = z.infer<typeof AlgorithmBody>;

const ListQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  sort_by: z.enum(["create_time", "name", "update_time"]).default("create_time"),
  order: z.enum(["asc", "desc"]).default("desc"),
  /** `name:part` (and `user_name:who`), several joined by ";" — all must hold. */
  searches: z.string().optional(),
  workspace_id: z.string().optional(),
});

/** What ModelArts fields a template keeps beyond the core's (in meta.modelarts). */
interface AlgorithmExtras {
  codeDir?: string;
  bootFile?: string;
  engine: Record<string, unknown>;
  parametersCustomization: boolean;
  constraints: Record<string, Record<string, unknown>>;
  inputConstraints: Record<string, Record<string, unknown>[]>;
  resourceRequirements: { key: string; values: string[]; operator: string }[];
  advancedConfig?: Record<string, unknown>;
}
const extras = (t: JobTemplate) => t.meta.modelarts as AlgorithmExtras;

/**
 * Algorithms (`/v2/{project_id}/algorithms`): core job templates of scope "modelarts". A custom
 * image (`engine.image_url`) is required: Corral has no preset engines nor OBS code upload, so
 * `code_dir` is a directory inside the image (with `boot_file`, run as `python code_dir/boot_file`
 * when there is no command).
 */
export function algorithmRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, auth, workspaces, project } = deps;
  const BASE = "/v2/:project_id/algorithms";

  const definition = (b: AlgorithmBody, unitId: string): Omit<NewJobTemplate, "scope" | "owner"> => {
    const image = b.job_config.engine.image_url;
    if (!image) {
      if (b.job_config.engine.engine_id || b.job_config.engine.engine_name)
        throw unsupported("a preset AI engine", "this hub has no engine catalogue; give engine.image_url");
    }
    const meta: AlgorithmExtras = {
      ...(b.job_config.code_dir ? { codeDir: b.job_config.code_dir } : {}),
      ...(b.job_config.boot_file ? { bootFile: b.job_config.boot_file } : {}),
      engine: b.job_config.engine,
      parametersCustomization: b.job_config.parameters_customization,
      constraints: Object.fromEntries(
        b.job_config.parameters.filter((p) => p.constraint).map((p) => [p.name, p.constraint!]),
      ),
      inputConstraints: Object.fromEntries(
        b.job_config.inputs.filter((i) => i.remote_constraints).map((i) => [i.name, i.remote_constraints!]),
      ),
      resourceRequirements: b.resource_requirements,
      ...(b.advanced_config ? { advancedConfig: b.advanced_config } : {}),
    };
    return {
      name: b.metadata.name,
      description: b.metadata.description,
      quotaUnitId: unitId,
      image: image ?? "",
      command: b.job_config.command,
      parameters: b.job_config.parameters.map((p) => ({
        name: p.name,
        value: p.value,
        description: p.description,
      })),
      inputs: b.job_config.inputs.map((i) => ({ name: i.name, description: i.description })),
      outputs: b.job_config.outputs.map((o) => ({ name: o.name, description: o.description })),
      env: {},
      meta: { modelarts: meta },
    };
  };

  const present = (t: JobTemplate) => {
    const x = extras(t);
    const unit = t.quotaUnitId ? core.quotaUnits.find(t.quotaUnitId) : undefined;
    return {
      metadata: {
        id: t.id,
        name: t.name,
        description: t.description,
        workspace_id: unit ? workspaces.idOf(unit) : "0",
        user_name: t.owner,
        domain_id: project.domain.id,
        source: "custom",
        api_version: "v2",
        is_valid: true,
        state: "",
        tags: [],
        attr_list: [],
        version_num: 0,
        size: 0,
        create_time: t.createdAt,
        update_time: t.updatedAt,
      },
      job_config: {
        ...(x.codeDir ? { code_dir: x.codeDir } : {}),
        ...(x.bootFile ? { boot_file: x.bootFile } : {}),
        command: t.command,
        parameters: t.parameters.map((p) => ({
          ...p,
          ...(x.constraints[p.name] ? { constraint: x.constraints[p.name] } : {}),
        })),
        inputs: t.inputs.map((i) => ({
          ...i,
          ...(x.inputConstraints[i.name] ? { remote_constraints: x.inputConstraints[i.name] } : {}),
        })),
        outputs: t.outputs,
        engine: { ...x.engine, image_url: t.image },
        parameters_customization: x.parametersCustomization,
      },
      resource_requirements: x.resourceRequirements.map((r) => ({
        key: r.key,
        value: r.values,
        operator: r.operator,
      })),
      advanced_config: x.advancedConfig ?? {},
    };
  };
  const user = (ctx: ApiContext) => ctx.state.principal!.user;
  const algorithm = (ctx: ApiContext) => {
    const t = core.jobTemplates.get(ALGORITHM_SCOPE, String(ctx.params.algorithm_id));
    const u = user(ctx);
    if (!u.admin && t.owner !== u.username) throw new ForbiddenError("not your algorithm");
    return t;
  };

  router.post(BASE, auth, validate(AlgorithmBody), (ctx) => {
    const b = input(ctx, AlgorithmBody);
    const unit = workspaces.unitOf(b.metadata.workspace_id);
    const t = core.jobTemplates.create({
      ...definition(b, unit.id),
      scope: ALGORITHM_SCOPE,
      owner: user(ctx).username,
    });
    ctx.status = 201;
    ctx.body = present(t);
  });
  router.get(BASE, auth, validate(ListQuery, "query"), (ctx) => {
    const q = input(ctx, ListQuery);
    const u = user(ctx);
    const terms = (q.searches ?? "")
      .split(";")
      .filter((s) => s.includes(":"))
      .map((s) => [s.slice(0, s.indexOf(":")), s.slice(s.indexOf(":") + 1).toLowerCase()] as const);
    const unitId = q.workspace_id === undefined ? undefined : workspaces.unitOf(q.workspace_id).id;
    const all = core.jobTemplates
      .list(ALGORITHM_SCOPE)
      .filter((t) => u.admin || t.owner === u.username)
      .filter((t) => unitId === undefined || t.quotaUnitId === unitId)
      .filter((t) =>
        terms.every(([k, v]) =>
          (k === "name" ? t.name : k === "user_name" ? t.owner : k === "description" ? t.description : "")
            .toLowerCase()
            .includes(v),
        ),
      )
      .sort((a, b) => {
        const key =
          q.sort_by === "name"
            ? a.name.localeCompare(b.name)
            : q.sort_by === "update_time"
              ? a.updatedAt - b.updatedAt
              : a.createdAt - b.createdAt;
        return (q.order === "asc" ? 1 : -1) * key || a.id.localeCompare(b.id);
      });
    const items = all.slice(q.offset, q.offset + q.limit);
    ctx.body = {
      total: all.length,
      count: items.length,
      limit: q.limit,
      offset: q.offset,
      sort_by: q.sort_by,
      order: q.order,
      items: items.map(present),
    };
  });
  router.get(`${BASE}/:algorithm_id`, auth, (ctx) => {
    ctx.body = present(algorithm(ctx));
  });
  router.put(`${BASE}/:algorithm_id`, auth, validate(AlgorithmBody), (ctx) => {
    const t = algorithm(ctx);
    const b = input(ctx, AlgorithmBody);
    ctx.body = present(
      core.jobTemplates.update(t, definition(b, workspaces.unitOf(b.metadata.workspace_id).id)),
    );
  });
  router.delete(`${BASE}/:algorithm_id`, auth, (ctx) => {
    core.jobTemplates.delete(algorithm(ctx));
    ctx.status = 204;
  });
  // Hyperparameter search algorithms: Corral searches none, so the catalogue is empty.
  router.get("/v2/:project_id/search-algorithms", auth, (ctx) => {
    ctx.body = { search_algo_count: 0, search_algo_list: [] };
  });
}
