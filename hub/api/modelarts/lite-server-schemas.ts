import { z } from "zod";

/** Names of servers and jobs: ModelArts's 1-64 letters, digits, `-`, `_` and `.`. */
const Name = z.string().regex(/^[-_.a-zA-Z0-9]{1,64}$/, "1-64 letters, digits, '-', '_' or '.'");

/** POST /dev-servers (ServerCreateRequest). Cloud-only parts are checked in the route. */
export const ServerCreate = z
  .object({
    name: Name,
    flavor: z.string().min(1).max(128).optional(),
    resource_flavor: z.string().min(1).max(256).optional(),
    image_id: z.string().uuid().optional(),
    admin_pass: z.string().min(8).max(26).optional(),
    key_pair_name: z
      .string()
      .regex(/^[-_.a-zA-Z0-9]{1,64}$/)
      .optional(),
    arch: z.enum(["X86", "ARM"]).optional(),
    server_type: z.enum(["BMS", "ECS", "HPS"]).optional(),
    count: z.number().int().min(1).max(10).default(1),
    availability_zone: z.string().max(256).optional(),
    enterprise_project_id: z.string().max(36).optional(),
    charging_info: z.object({ charging_mode: z.string().optional() }).passthrough().optional(),
    network: z.record(z.string(), z.unknown()).optional(),
    root_volume: z.record(z.string(), z.unknown()).optional(),
    data_volume: z.record(z.string(), z.unknown()).optional(),
    user_data: z.string().optional(),
    hps_cluster_id: z.string().optional(),
  })
  .refine((b) => (b.flavor === undefined) !== (b.resource_flavor === undefined), {
    message: "give one of flavor and resource_flavor",
    path: ["flavor"],
  })
  .refine((b) => (b.admin_pass === undefined) !== (b.key_pair_name === undefined), {
    message: "give one of admin_pass and key_pair_name",
    path: ["key_pair_name"],
  });

/** PUT /dev-servers/{id} (UpdateServerRequest). */
export const ServerUpdate = z.object({ name: Name });

/** GET /dev-servers, /all and PUT /sync. */
export const ServerListQuery = z.object({
  owner: z.string().optional(),
  sort_key: z.enum(["create_at", "name", "status"]).default("create_at"),
  sort_dir: z
    .string()
    .regex(/^(asc|desc|ASC|DESC)$/)
    .default("DESC"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** POST /dev-servers/action (DevServerBatchRequest). */
export const BatchAction = z.object({
  type: z.enum(["START", "STOP", "REBOOT", "CHANGEOS", "REINSTALLOS", "DELETE"]),
  servers: z
    .array(z.object({ id: z.string().min(1) }))
    .min(1)
    .max(100),
  extend_param: z.record(z.string(), z.unknown()).optional(),
});

/** GET /dev-servers/flavors. */
export const FlavorQuery = z.object({
  server_type: z.enum(["BMS", "ECS", "HPS"]).optional(),
  arch: z.enum(["X86", "ARM"]).optional(),
  charging_mode: z.string().optional(),
});

/** GET /dev-servers/images. */
export const ImageQuery = z.object({
  server_type: z.enum(["BMS", "ECS", "HPS"]).optional(),
  flavor_name: z.string().max(128).optional(),
});

/** One step of a Lite Server job: its type and string parameters (DevServerJobItem). */
const JobItem = z.object({
  type: z.string().regex(/^[-_.a-zA-Z0-9]{1,64}$/),
  spec: z.record(z.string(), z.string()).default({}),
});

/** POST /dev-servers/jobs (DevServerJobCreateRequest). */
export const JobCreate = z.object({
  name: Name,
  description: z
    .string()
    .regex(/^[-_.a-zA-Z0-9 ]{0,64}$/)
    .default(""),
  server_ids: z.array(z.string().min(1)).min(1).max(100),
  type: z.string().regex(/^[-_.a-zA-Z0-9]{1,64}$/),
  is_reboot: z.boolean().default(false),
  items: z.array(JobItem).min(1).max(20),
});

/** GET /dev-servers/jobs. */
export const JobListQuery = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  status: z.string().optional(),
  visible: z.enum(["true", "false"]).optional(),
});

/** DELETE /dev-servers/jobs (ServerJobDeleteRequest). */
export const JobDelete = z.object({ job_ids: z.array(z.string().min(1)).min(1).max(100) });

/** GET /dev-servers/jobs/templates. */
export const TemplateListQuery = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
});
