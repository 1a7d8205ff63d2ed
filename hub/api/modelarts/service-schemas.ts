import { z } from "zod";
import { Envs } from "./model-schemas";

/** Service names: 1-64 letters (any script), digits, '-' or '_'. */
const ServiceName = z.string().regex(/^[\p{L}\p{N}_-]{1,64}$/u, "1-64 letters, digits, '-' or '_'");

/** ModelArts sends weight and counts as numbers or numeric strings ("70"). */
const IntLike = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `custom_spec`: cores (decimal), memory in MB, GPUs (the P4 count field, any GPU here). */
export const CustomSpec = z.object({
  cpu: z.coerce.number().positive().max(1024),
  memory: z.coerce
    .number()
    .int()
    .positive()
    .max(4 * 1024 * 1024),
  gpu_p4: z.coerce.number().min(0).max(64).optional(),
  ascend_a310: z.coerce.number().int().min(0).optional(),
  ascend_a910: z.coerce.number().int().min(0).optional(),
});

/** One `config[]` entry of a real-time service. */
export const ServiceConfig = z.object({
  model_id: z.string().min(1).max(64),
  weight: IntLike(0, 100),
  specification: z.string().min(1).max(128),
  custom_spec: CustomSpec.optional(),
  instance_count: IntLike(1, 128),
  envs: Envs.optional(),
  cluster_id: z.string().optional(),
  pool_name: z.string().optional(),
  src_type: z.string().optional(),
  src_path: z.string().optional(),
  req_uri: z.string().optional(),
  mapping_type: z.string().optional(),
  nodes: z.array(z.string()).optional(),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

/** POST /v1/{project_id}/services (Deploying Services). */
export const ServiceDeploy = z.object({
  service_name: ServiceName,
  description: z
    .string()
    .max(100)
    .regex(/^[^<>=&"']*$/, "must not contain <>=&\"'")
    .default(""),
  infer_type: z.enum(["real-time", "batch", "edge"]),
  workspace_id: z.string().default("0"),
  vpc_id: z.string().optional(),
  subnet_network_id: z.string().optional(),
  security_group_id: z.string().optional(),
  cluster_id: z.string().optional(),
  pool_name: z.string().optional(),
  schedule: z.array(z.record(z.string(), z.unknown())).optional(),
  priority: z.coerce.number().int().min(1).max(3).optional(),
  additional_properties: z.record(z.string(), z.unknown()).optional(),
  config: z.array(ServiceConfig).min(1).max(10),
});
export type ServiceDeploy = z.infer<typeof ServiceDeploy>;

/** PUT /v1/{project_id}/services/{service_id} (Updating Service Configurations). */
export const ServiceUpdate = z.object({
  description: z
    .string()
    .max(100)
    .regex(/^[^<>=&"']*$/, "must not contain <>=&\"'")
    .optional(),
  config: z.array(ServiceConfig).min(1).max(10).optional(),
  status: z.enum(["running", "stopped"]).optional(),
  schedule: z.array(z.record(z.string(), z.unknown())).optional(),
  additional_properties: z.record(z.string(), z.unknown()).optional(),
});

/** PATCH: a JSON patch of `replace` operations under /config/. */
export const ServicePatch = z
  .array(
    z.object({
      op: z.literal("replace"),
      path: z.string().regex(/^\/config\/\d+\/[a-z_]+$/, "a path /config/{index}/{field}"),
      value: z.unknown(),
    }),
  )
  .min(1)
  .max(50);

/** PUT .../property (Updating a Single Property of a Model Service). */
export const ServiceProperty = z.object({
  changed_property: z.literal("instance_count"),
  configs: z
    .array(z.object({ changed_value: IntLike(0, 128), model_id: z.string().min(1) }))
    .min(1)
    .max(10),
});

const Int = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** GET /v1/{project_id}/services (Obtaining Services). */
export const ServiceListQuery = z.object({
  service_id: z.string().optional(),
  service_name: z.string().optional(),
  model_id: z.string().optional(),
  workspace_id: z.string().optional(),
  infer_type: z.enum(["real-time", "batch", "edge"]).optional(),
  status: z.string().optional(),
  description: z.string().optional(),
  cluster_id: z.string().optional(),
  offset: Int(0),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  sort_by: z.enum(["publish_at", "service_name", "transition_at"]).default("publish_at"),
  order: z.enum(["asc", "desc"]).default("desc"),
});

/** GET .../events (Obtaining Service Event Logs). */
export const ServiceEventQuery = z.object({
  event_type: z.enum(["normal", "abnormal"]).optional(),
  start_time: z.coerce.number().int().min(0).optional(),
  end_time: z.coerce.number().int().min(0).optional(),
  offset: Int(0),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  sort_by: z.enum(["occur_time"]).default("occur_time"),
  order: z.enum(["asc", "desc"]).default("desc"),
});

export const ServiceLogQuery = z.object({ update_time: z.coerce.number().int().min(0).optional() });

export const SpecificationQuery = z.object({
  is_personal_cluster: z.enum(["true", "false"]).optional(),
  infer_type: z.enum(["real-time", "batch", "edge"]).default("real-time"),
  offset: Int(0),
  limit: z.coerce.number().int().min(1).default(1000),
});

const Tag = z.object({
  key: z
    .string()
    .min(1)
    .max(128)
    .regex(/^(?!_sys_)[^\s].*[^\s]$|^[^\s]$/u, "1-128 characters, no leading or trailing space, not _sys_"),
  value: z.string().max(255).default(""),
});
export const TagsCreate = z.object({ tags: z.array(Tag).min(1).max(20) });
export const TagsDelete = z.object({
  tags: z.array(z.object({ key: z.string().min(1).max(128), value: z.string().max(255).optional() })).min(1),
});
