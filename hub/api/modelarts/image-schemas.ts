import { z } from "zod";

export const ImageRegister = z.object({
  swr_path: z.string().min(1).max(512),
  arch: z.enum(["X86_64", "AARCH64", "x86_64", "aarch64"]).default("X86_64"),
  description: z.string().max(512).default(""),
  origin: z.enum(["CUSTOMIZE", "IMAGE_SAVE"]).default("CUSTOMIZE"),
  resource_category: z
    .array(z.enum(["CPU", "GPU", "ASCEND"]))
    .max(3)
    .default(["CPU", "GPU"]),
  service_type: z.enum(["COMMON", "INFERENCE", "TRAIN", "DEV", "UNKNOWN"]).default("UNKNOWN"),
  services: z.array(z.string().max(32)).max(10).default(["NOTEBOOK"]),
  visibility: z.enum(["PRIVATE", "PUBLIC"]).default("PRIVATE"),
  workspace_id: z.string().max(64).default("0"),
  tags: z.array(z.string().max(128)).max(20).default([]),
  read_me: z.string().max(65_536).optional(),
});

export const ImageListQuery = z.object({
  name: z.string().max(512).optional(),
  name_fuzzy_match: z.enum(["true", "false"]).optional(),
  namespace: z.string().max(128).optional(),
  service_type: z.string().max(32).optional(),
  type: z.enum(["BUILD_IN", "DEDICATED"]).optional(),
  workspace_id: z.string().max(64).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  sort_dir: z.enum(["ASC", "DESC", "asc", "desc"]).default("DESC"),
  sort_key: z.enum(["create_at", "update_at", "name"]).default("create_at"),
});

export const GroupDelete = z.object({ is_force: z.boolean().default(false) });

export const GroupUpdate = z.object({
  read_me: z.string().max(65_536).optional(),
  tags: z
    .array(z.object({ key: z.string().max(128), value: z.string().max(255).optional() }))
    .max(20)
    .optional(),
});
