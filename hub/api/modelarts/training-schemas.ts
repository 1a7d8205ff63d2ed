import { z } from "zod";

/** Job and algorithm names: 1-64 letters, digits, '-' or '_'. */
export const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, '-' or '_'");

export const Parameter = z.object({
  name: z.string().min(1).max(64),
  value: z.string().max(1024).default(""),
  description: z.string().max(256).default(""),
  constraint: z.record(z.string(), z.unknown()).optional(),
});

const Remote = z.record(z.string(), z.unknown());

/** A job's input or output channel: a directory in the container (`local_dir`). */
export const Channel = z.object({
  name: z.string().min(1).max(64),
  description: z.string().max(256).default(""),
  local_dir: z
    .string()
    .regex(/^\/[^\0]*$/, "an absolute path")
    .optional(),
  access_method: z.string().optional(),
  remote: Remote.optional(),
});

export const Engine = z.object({
  engine_id: z.string().optional(),
  engine_name: z.string().optional(),
  engine_version: z.string().optional(),
  image_url: z.string().min(1).optional(),
  install_sys_packages: z.boolean().optional(),
});

/** `environments`: a map (ModelArts's request form) or a list of one-key maps (its response form). */
const Environments = z
  .union([z.record(z.string(), z.string()), z.array(z.record(z.string(), z.string()))])
  .transform((e) => (Array.isArray(e) ? Object.assign({}, ...e) : e) as Record<string, string>)
  .refine((e) => Object.keys(e).length <= 100, "at most 100 variables")
  .refine(
    (e) => Object.keys(e).every((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)),
    "names are [A-Za-z_][A-Za-z0-9_]*",
  );

export const JobBody = z.object({
  kind: z.enum(["job"]).default("job"),
  metadata: z.object({
    name: Name,
    workspace_id: z.string().default("0"),
    description: z.string().max(256).default(""),
    annotations: z.record(z.string(), z.string()).default({}),
  }),
  algorithm: z.object({
    id: z.string().optional(),
    name: z.string().optional(),
    code_dir: z.string().optional(),
    boot_file: z.string().optional(),
    command: z.string().max(4096).optional(),
    parameters: z.array(Parameter).max(100).default([]),
    inputs: z.array(Channel).max(100).default([]),
    outputs: z.array(Channel).max(100).default([]),
    engine: Engine.optional(),
    local_code_dir: z.string().optional(),
    working_dir: z.string().optional(),
    environments: Environments.default({}),
  }),
  spec: z.object({
    resource: z.object({
      flavor_id: z.string().min(1),
      node_count: z.number().int().min(1).max(128).default(1),
      pool_id: z.string().optional(),
    }),
    volumes: z.array(z.record(z.string(), z.unknown())).default([]),
    log_export_path: z
      .object({ obs_url: z.string().optional(), host_path: z.string().optional() })
      .optional(),
    auto_stop: z
      .object({
        time_unit: z.enum(["HOURS", "MINUTES"]).default("HOURS"),
        duration: z.number().int().min(1),
      })
      .optional(),
    schedule_policy: z
      .object({
        priority: z.number().int().min(1).max(3).optional(),
        preemptible: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
  }),
});
export type JobBody = z.infer<typeof JobBody>;

export const DescriptionBody = z.object({ description: z.string().max(256) });
export const ActionBody = z.object({ action_type: z.enum(["terminate"]) });

export const SearchBody = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(10),
  sort_by: z.enum(["create_time", "duration", "name", "status"]).default("create_time"),
  order: z.enum(["asc", "desc"]).default("desc"),
  group_by: z.string().optional(),
  workspace_id: z.string().optional(),
  filters: z
    .array(
      z.object({
        key: z.string().min(1),
        operator: z.enum(["between", "like", "in", "not"]).default("in"),
        value: z.array(z.string()),
      }),
    )
    .default([]),
  tags: z.array(z.object({ key: z.string(), values: z.array(z.string()).default([]) })).default([]),
});
export type SearchBody = z.infer<typeof SearchBody>;

export const EventsQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  order: z.enum(["asc", "desc"]).default("asc"),
  level: z.enum(["Info", "Warning", "Error"]).optional(),
  source: z.enum(["K8S", "Job", "Task"]).optional(),
  pattern: z.string().optional(),
  start_time: z.string().optional(),
  end_time: z.string().optional(),
});

export const TagsBody = z.object({
  tags: z
    .array(z.object({ key: z.string().min(1).max(128), value: z.string().max(255).default("") }))
    .max(20),
});
