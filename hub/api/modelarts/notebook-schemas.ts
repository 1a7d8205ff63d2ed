import { z } from "zod";

/** ModelArts names: letters, digits, `-` and `_`. */
const NAME = /^[A-Za-z0-9_-]+$/;

export const LeaseReq = z.object({
  /** ms. */
  duration: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  type: z.enum(["timing", "idle", "TIMING", "IDLE"]).optional(),
});

const VolumeReq = z.object({
  category: z.enum(["EVS", "SFS", "EFS", "OBS", "OBSFS"]).default("EVS"),
  ownership: z.enum(["MANAGED", "DEDICATED"]).default("MANAGED"),
  /** GB. @default 5 */
  capacity: z.number().int().min(5).max(4096).default(5),
  uri: z.string().max(1024).optional(),
  mount_path: z.string().max(1024).optional(),
  id: z.string().max(128).optional(),
  read_only: z.boolean().optional(),
});

const Endpoint = z.object({
  service: z.enum(["NOTEBOOK", "SSH"]).optional(),
  key_pair_names: z.array(z.string().max(64)).max(10).optional(),
  allowed_access_ips: z.array(z.string().max(64)).max(5).optional(),
  dev_service: z.string().max(64).optional(),
});

export const NotebookCreate = z.object({
  name: z.string().min(1).max(128).regex(NAME, "letters, digits, '-' and '_' only"),
  description: z.string().max(512).default(""),
  flavor: z.string().min(1).max(128),
  image_id: z.string().min(1).max(128),
  volume: VolumeReq.default({ category: "EVS", ownership: "MANAGED", capacity: 5 }),
  feature: z.enum(["DEFAULT", "NOTEBOOK"]).default("NOTEBOOK"),
  pool_id: z.string().max(128).optional(),
  workspace_id: z.string().max(64).default("0"),
  endpoints: z.array(Endpoint).max(2).default([]),
  lease: LeaseReq.optional(),
  /** Kept as given: container hooks, affinity, run user, VPC (Huawei-cloud settings). */
  hooks: z.record(z.string(), z.unknown()).optional(),
  affinity: z.record(z.string(), z.unknown()).optional(),
  duration: z.number().int().positive().optional(),
});

export const NotebookUpdate = z.object({
  name: z.string().min(1).max(128).regex(NAME, "letters, digits, '-' and '_' only").optional(),
  description: z.string().max(512).optional(),
  flavor: z.string().min(1).max(128).optional(),
  image_id: z.string().min(1).max(128).optional(),
  /** GB: the managed volume only grows. */
  storage_new_size: z.number().int().min(5).max(4096).optional(),
  endpoints: z.array(Endpoint).max(2).optional(),
  hooks: z.record(z.string(), z.unknown()).optional(),
});

const int = (max: number, fallback: number) => z.coerce.number().int().min(0).max(max).default(fallback);

export const NotebookListQuery = z.object({
  name: z.string().max(128).optional(),
  status: z.string().max(32).optional(),
  feature: z.string().max(32).optional(),
  pool_id: z.string().max(128).optional(),
  owner: z.string().max(64).optional(),
  workspace_id: z.string().max(64).optional(),
  workspaceId: z.string().max(64).optional(),
  flavor: z.string().max(128).optional(),
  image_id: z.string().max(128).optional(),
  id: z.string().max(128).optional(),
  offset: int(1_000_000, 0),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  sort_dir: z.enum(["ASC", "DESC", "asc", "desc"]).default("DESC"),
  sort_key: z.string().max(128).optional(),
});

export const StartQuery = z.object({
  /** ms the notebook runs before it stops by itself. */
  duration: z.coerce.number().int().positive().optional(),
  type: z.enum(["timing", "idle", "TIMING", "IDLE"]).optional(),
});

export const FlavorQuery = z.object({
  category: z.enum(["CPU", "GPU", "ASCEND"]).optional(),
  offset: int(1_000_000, 0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  type: z.string().max(32).optional(),
});

export const TagsBody = z.object({
  tags: z
    .array(z.object({ key: z.string().min(1).max(128), value: z.string().max(255).default("") }))
    .max(20),
});

export const CreateImageBody = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
  namespace: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
  tag: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w][\w.-]*$/, "letters, digits, '.', '_' and '-'"),
  description: z.string().max(512).default(""),
  workspace_id: z.string().max(64).optional(),
});
