import { z } from "zod";

/** Model names: 1-64 letters (any script), digits, '-' or '_'. */
const ModelName = z.string().regex(/^[\p{L}\p{N}_-]{1,64}$/u, "1-64 letters, digits, '-' or '_'");

/** "Digit.Digit.Digit", each 0-99 without a leading zero ("0.0.1", "1.10.2"; not "01.1.1"). */
const ModelVersion = z
  .string()
  .regex(/^(0|[1-9]\d?)\.(0|[1-9]\d?)\.(0|[1-9]\d?)$/, "Digit.Digit.Digit, each 0-99 without a leading 0");

/** Environment variables of the serving container (names as a shell takes them). */
export const Envs = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "names are [A-Za-z_][A-Za-z0-9_]*"),
    z.string().max(4096),
  )
  .refine((e) => Object.keys(e).length <= 100, "at most 100 variables");

/** The health check of a serving container (the SDK's Health). */
const Health = z.object({
  url: z.string().max(256).optional(),
  protocol: z.string().optional(),
  check_method: z.string().optional(),
  command: z.string().optional(),
  period_seconds: z.coerce.string().optional(),
  initial_delay_seconds: z.coerce.string().optional(),
  timeout_seconds: z.coerce.string().optional(),
  failure_threshold: z.coerce.string().optional(),
});

/** POST /v1/{project_id}/models (Creating an AI Application). */
export const ModelCreate = z.object({
  model_name: ModelName,
  model_version: ModelVersion,
  source_location: z.string().min(1).max(512).optional(),
  source_job_id: z.string().max(64).optional(),
  source_job_version: z.string().max(64).optional(),
  source_type: z.string().optional(),
  source_copy: z.string().optional(),
  model_type: z.string().min(1).max(32),
  runtime: z.string().max(128).optional(),
  description: z.string().max(100).optional(),
  execution_code: z.string().optional(),
  workspace_id: z.string().default("0"),
  model_algorithm: z.string().optional(),
  install_type: z.array(z.string()).optional(),
  initial_config: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.array(z.unknown()).optional(),
  model_metrics: z.string().optional(),
  apis: z.array(z.record(z.string(), z.unknown())).optional(),
  model_docs: z.array(z.record(z.string(), z.unknown())).optional(),
  template: z.record(z.string(), z.unknown()).optional(),
  health: Health.optional(),
  /** Corral: the port the serving container listens on. @default 8080 (ModelArts's custom-image port) */
  port: z.number().int().min(1).max(65535).optional(),
  /** Corral: environment of the serving container. */
  envs: Envs.optional(),
});
export type ModelCreate = z.infer<typeof ModelCreate>;

const Int = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** GET /v1/{project_id}/models (Querying the AI Application List). */
export const ModelListQuery = z.object({
  model_name: z.string().optional(),
  exact_match: z.enum(["true", "false"]).optional(),
  model_version: z.string().optional(),
  model_status: z.enum(["publishing", "published", "failed", "building", "building_failed"]).optional(),
  description: z.string().optional(),
  offset: Int(0),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  sort_by: z.enum(["create_at", "model_version", "model_size"]).default("create_at"),
  order: z.enum(["asc", "desc"]).default("desc"),
  workspace_id: z.string().optional(),
  model_type: z.string().optional(),
  not_model_type: z.string().optional(),
});

export const ModelDeleteQuery = z.object({ cascade: z.enum(["true", "false"]).default("false") });

/** Paging of GET /v1/{project_id}/models/ai-engine-runtimes. */
export const RuntimeQuery = z.object({ offset: Int(0), limit: z.coerce.number().int().min(1).default(1000) });
