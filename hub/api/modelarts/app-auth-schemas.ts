import { z } from "zod";

/** Request shapes of the app authentication routes (ModelArts API reference, "APP认证管理"). */

/** An app name: 1-64 letters (any script), digits, `_` or `-` (the console suggests `app_...`). */
const appName = z
  .string()
  .min(1, "is required")
  .max(64, "at most 64 characters")
  .regex(/^[\p{L}\p{N}_-]+$/u, "only letters, digits, _ and -");

const workspaceId = z.string().max(64, "at most 64 characters").optional();

/** Query flags arrive as text ("true"/"false"). */
const flag = z
  .enum(["true", "false"], { message: "must be true or false" })
  .transform((v) => v === "true")
  .optional();

/** A count in a query: limit/offset are documented as strings. */
const count = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n <= max, `at most ${max}`)
    .optional();

/** `app_ids` repeated or comma-separated. */
const idList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
  .optional();

export const CreateAppBody = z.object({
  app_name: appName,
  app_remark: z.string().max(200, "at most 200 characters").optional(),
  workspace_id: workspaceId,
});

export const WorkspaceBody = z.object({ workspace_id: workspaceId });

export const ListAppsQuery = z.object({
  app_name: z.string().max(64, "at most 64 characters").optional(),
  limit: count(1000),
  offset: count(1_000_000),
  order: z.enum(["asc", "desc"], { message: "must be asc or desc" }).optional(),
  sort_by: z
    .enum(["app_name", "created_at", "updated_at", "name"], {
      message: "must be app_name, created_at or updated_at",
    })
    .optional(),
  workspace_id: workspaceId,
  iphertext_enabled: flag,
  app_ids: idList,
});

export const BoundApisQuery = z.object({
  limit: count(1000),
  offset: count(1_000_000),
  order: z.enum(["asc", "desc"], { message: "must be asc or desc" }).optional(),
  /** Part of the API's service name (the document's fuzzy match). */
  service_name: z.string().max(64, "at most 64 characters").optional(),
  /** The document lists the app list's keys here too: names sort by API name, times by registration. */
  sort_by: z
    .enum(["app_name", "created_at", "updated_at", "name"], {
      message: "must be app_name, created_at or updated_at",
    })
    .optional(),
  workspace_id: workspaceId,
});

export const ApiAuthsQuery = ListAppsQuery.extend({
  show_only: z.enum(["AUTH", "UNAUTH"], { message: "must be AUTH or UNAUTH" }).optional(),
});

export const AppsBody = z.object({
  apps: z
    .array(z.object({ app_id: z.string().min(1, "is required") }))
    .min(1, "name at least one app")
    .max(100, "at most 100 apps"),
  workspace_id: workspaceId,
});

/** HTTP methods an API may cover; ModelArts registers ANY. */
const METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY"] as const;

export const CreateApiBody = z.object({
  workspace_id: workspaceId,
  support_app_code: z.boolean({ message: "must be true or false" }).optional(),
  auth_type: z
    .enum(["APP", "IAM", "NONE"], { message: "must be APP, IAM or NONE" })
    .refine((t) => t === "APP", "only APP can be registered here: IAM is every service's own authentication")
    .optional(),
  api_name: z.string().min(1, "is required").max(64, "at most 64 characters").optional(),
  api_url: z.string().max(255, "at most 255 characters").optional(),
  api_path: z.string().max(255, "at most 255 characters").regex(/^\//, "must start with /").optional(),
  api_method: z.enum(METHODS, { message: `must be one of ${METHODS.join(", ")}` }).optional(),
  api_remark: z.string().max(255, "at most 255 characters").optional(),
});
