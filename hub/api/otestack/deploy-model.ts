/**
 * OTE-stack deployments as a record over a core replicated service: OTE's operation and status
 * codes and its audit trail. The record lives on the service (extension.otestack); everything
 * else (version in effect, replicas, health) is the service's own.
 */
import type { ReplicatedService } from "../../core/services/model";
import { currentRevision } from "../../core/services/model";

/** OTE deploy operation codes (tb_deploy_info.deploy_type). */
export const DeployOp = { create: 0, upgrade: 1, rollback: 2, delete: 3 } as const;
export type DeployOpCode = (typeof DeployOp)[keyof typeof DeployOp];

/** Deployment status codes (README: OTE-stack compatibility). */
export const DeployStatus = {
  waitingAudit: 0,
  notApproved: 1,
  deploying: 2,
  running: 3,
  failed: 4,
  deleted: 5,
} as const;
export type DeployStatusCode = (typeof DeployStatus)[keyof typeof DeployStatus];

export interface DeployHistoryEntry {
  op: DeployOpCode;
  version: string;
  by: string;
  at: number;
  /** "approved", "rejected", "auto" (admin auto-deploy) or "pending". */
  audit: "pending" | "approved" | "rejected" | "auto";
  comment: string;
  auditComment: string;
}

/** What OTE keeps on a service (ReplicatedService.extension.otestack). */
export interface OteDeployRecord {
  /** The app whose versions this deployment runs. */
  appName: string;
  /** Operation waiting for audit; null when none. */
  pending: { op: DeployOpCode; version: string } | null;
  lastOp: DeployOpCode;
  comment: string;
  auditComment: string;
  /** Every operation asked, with its audit (OTE's historyVersion). */
  log: DeployHistoryEntry[];
}

export const SURFACE = "otestack";

/** The OTE record of a service, or undefined for services made through another surface. */
export const recordOf = (s: ReplicatedService): OteDeployRecord | undefined =>
  s.extension[SURFACE] as OteDeployRecord | undefined;

/** A deployment as OTE sees it: the service, its record and its integer id. */
export interface OteDeployment {
  id: number;
  service: ReplicatedService;
  record: OteDeployRecord;
}

/** The app version in effect; null before the first approval. */
export const versionOf = (d: OteDeployment): string | null => currentRevision(d.service)?.version ?? null;

/** OTE's 0-5 status from the audit record and the service's status in words. */
export function statusOf(d: OteDeployment): DeployStatusCode {
  if (d.service.deletedAt !== null) return DeployStatus.deleted;
  if (d.record.pending !== null) return DeployStatus.waitingAudit;
  if (d.service.current === null) return DeployStatus.notApproved;
  switch (d.service.status) {
    case "progressing":
      return DeployStatus.deploying;
    case "failed":
      return DeployStatus.failed;
    default:
      return DeployStatus.running;
  }
}

/** Whether a new operation may be requested now: none waits and no rollout is in progress. */
export const editable = (d: OteDeployment): boolean =>
  d.service.deletedAt === null && d.record.pending === null && d.service.status !== "progressing";
