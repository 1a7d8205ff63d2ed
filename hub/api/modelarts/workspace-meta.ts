import type { QuotaUnit } from "../../core/model";
import { META_KEY } from "./workspace-ids";

export type AuthType = "PUBLIC" | "PRIVATE" | "INTERNAL";
export type WorkspaceStatus = "NORMAL" | "DELETING" | "DELETE_FAILED";

export interface Grant {
  user_id?: string;
  user_name?: string;
  user_type?: string;
}

/** ModelArts's own words about a workspace, kept in its quota unit's `meta.modelarts`. */
export interface WorkspaceMeta {
  /** The unit behind workspace "0" (workspace-ids.ts). */
  default?: boolean;
  description?: string;
  owner?: string;
  auth_type?: AuthType;
  grants?: Grant[];
  enterprise_project_id?: string;
  status?: WorkspaceStatus;
  status_info?: string;
  /** ModelArts quota by resource name (-1 unlimited), with the time it was last set (Unix ms). */
  quotas?: Record<string, { quota: number; updateTime: number }>;
}

export const workspaceMeta = (unit: QuotaUnit): WorkspaceMeta =>
  (unit.meta[META_KEY] as WorkspaceMeta | undefined) ?? {};
