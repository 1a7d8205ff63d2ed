import type { Core } from "../../core";
import type { ImageRecord } from "../../core/image-model";
import type { Task, User, Workload } from "../../core/model";
import { signedTaskPortUrl } from "../tunnel/urls";
import { presentImageRef } from "./image-presenter";
import {
  NOTEBOOK_PORT,
  WORK_DIR,
  actionProgress,
  notebookOf,
  notebookStatus,
  type NotebookMeta,
} from "./notebook-model";
import { mayReach } from "./access";
import type { IamProject } from "./project";
import { presentUser } from "./iam-users";

/** Lifetime of the `url` a notebook answer carries (minted per answer). @default 1 hour */
export const NOTEBOOK_URL_TTL_MS = 3_600_000;

export interface NotebookView {
  core: Core;
  project: IamProject;
  /** The caller (a url is minted for them when they may open it). */
  caller: User;
  /** `protocol://host` as the caller reached the hub. */
  origin: string;
}

/** The SDK's NotebookResp of a notebook's core workload. */
export function presentNotebook(w: Workload, view: NotebookView): Record<string, unknown> {
  const nb = notebookOf(w) as NotebookMeta;
  const task: Task | undefined = view.core.workloads.tasks(w.id)[0];
  const status = notebookStatus(w, task, nb);
  const image: ImageRecord | undefined = view.core.images.find(nb.imageId);
  const owner = view.core.users.find(w.owner);
  let url = "";
  let token = "";
  if ((status === "RUNNING" || status === "SNAPSHOTTING") && mayReach(view.core, view.caller, w)) {
    const signed = view.core.tunnels.sign(view.caller, w, 0, NOTEBOOK_PORT, NOTEBOOK_URL_TTL_MS);
    token = signed.token;
    url = signedTaskPortUrl(view.origin, w.id, 0, NOTEBOOK_PORT, signed.token);
  }
  const failReason =
    status.endsWith("FAILED") || status === "ERROR"
      ? (task?.message ?? "the notebook's container failed")
      : "";
  return {
    id: w.id,
    name: w.name,
    description: nb.description,
    status,
    fail_reason: failReason,
    flavor: nb.flavor,
    feature: nb.feature,
    workspace_id: nb.workspaceId,
    url,
    token,
    create_at: w.createdAt,
    update_at: w.updatedAt,
    user: owner ? presentUser(owner, view.project) : { id: "", name: w.owner, domain: view.project.domain },
    user_id: owner ? presentUser(owner, view.project).id : "",
    pool: nb.poolId ? { id: nb.poolId, name: nb.poolId } : { id: "", name: "" },
    image: image ? presentImageRef(image) : { id: nb.imageId },
    volume: {
      category: nb.volume.category,
      ownership: nb.volume.ownership,
      capacity: nb.volume.capacity,
      mount_path: `${WORK_DIR}/`,
      status: "MOUNTED",
    },
    endpoints: nb.endpoints,
    lease: presentLease(w, nb),
    action_progress: actionProgress(w, task),
    tags: nb.tags,
    ip: task?.ip ?? "",
  };
}

/**
 * The SDK's Lease of a notebook: `create_at` is when the current lease began (its deadline is
 * create_at + duration); a notebook without a lease shows `enable: false`.
 */
export function presentLease(w: Workload, nb: NotebookMeta): Record<string, unknown> {
  const lease = w.lease;
  return lease
    ? {
        create_at: lease.expiresAt - lease.durationMs,
        duration: lease.durationMs,
        enable: true,
        type: nb.leaseType,
        update_at: w.updatedAt,
      }
    : { create_at: w.createdAt, duration: 0, enable: false, type: nb.leaseType, update_at: w.updatedAt };
}
