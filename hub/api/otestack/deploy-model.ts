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

/**
 * The document's deployType: 1 new deployment, 2 upgrading, 3 rollbacking, 4 deleted. Records keep
 * the older 0-3 operation codes (DeployOp), so stored deployments read the same.
 */
export const documentedOp = (op: DeployOpCode): 1 | 2 | 3 | 4 => (op + 1) as 1 | 2 | 3 | 4;

/**
 * The document's status: 0 pending (audit), 2 disapproved, 4 deploying, 5 success, 6 partial
 * success (some replicas missing or unready), 7 failed, 9 deleted. 1 (approved), 3 (processing) and
 * 8 (internal error) are passing states no request here can observe: approval starts the rollout.
 */
export function documentedStatus(d: OteDeployment): 0 | 2 | 4 | 5 | 6 | 7 | 9 {
  switch (statusOf(d)) {
    case DeployStatus.waitingAudit:
      return 0;
    case DeployStatus.notApproved:
      return 2;
    case DeployStatus.deploying:
      return 4;
    case DeployStatus.failed:
      return 7;
    case DeployStatus.deleted:
      return 9;
    default:
      return d.service.status === "degraded" ? 6 : 5;
  }
}
