/**
 * Replicated services in core words: a service runs `replicas` copies of one revision of a
 * container recipe on the nodes its labels select, as single-task service workloads pinned to
 * nodes (one workload = one replica). Scaling, label following and rolling upgrades are made of
 * submitting and stopping replicas. Surfaces present it in their words (an OTE deployment or
 * daemonset, a ModelArts real-time service, a native service). Times are Unix milliseconds.
 */

import type { HostPathSpec } from "../model";

/**
 * How a replicated service places its replicas: `spread` runs `replicas` per selected cluster over
 * its matching nodes; `per-node` runs one on every matching node (a daemon set).
 */
export type Placement = "spread" | "per-node";

/** Label selectors of a replicated service; null selects every cluster (or node of one). */
export interface ServiceTargets {
  clusterLabel: string | null;
  nodeLabel: string | null;
}

export interface ReplicaPort {
  containerPort: number;
  /** 0: the engine picks. */
  hostPort: number;
  protocol: "tcp" | "udp";
}

/** What every replica of one revision runs. */
export interface ReplicaSpec {
  image: string;
  /** Entrypoint; the container runs `[...command, ...args]` (empty: the image's own). */
  command: string[];
  args: string[];
  env: Record<string, string>;
  ports: ReplicaPort[];
  /** CPU limit per replica, millicores. */
  cpuMilli: number;
  /** Memory limit per replica, MiB. */
  memoryMiB: number;
  /** Stored registry credential that pulls `image`; null: public or the hub's registry. */
  registryCredentialId: string | null;
  /** GPUs per replica (device count). @default 0 */
  gpu?: number;
  /**
   * What placement reserves per replica (CPU millicores, memory MiB), at most the limits above;
   * autoscaling utilisation is of these. Absent: the limits are reserved.
   */
  requests?: { cpuMilli: number; memoryMiB: number };
  /** Node directories bound into every replica's container. @default none */
  hostPaths?: HostPathSpec[];
}

/** How a new revision replaces the old one. */
export interface RolloutPolicy {
  /** Replicas above the desired count a rollout may run. @default 1 */
  maxSurge: number;
  /** Replicas below the desired count a rollout may leave. @default 0 */
  maxUnavailable: number;
  /** A new replica counts as available after running this long, seconds. @default 10 */
  minReadySeconds: number;
}

/**
 * Autoscaling on the replicas' reported CPU / memory utilisation of their limits (Kubernetes'
 * HPA rule). Kept when disabled so that the bounds survive being switched off and on.
 */
export interface AutoscalePolicy {
  enabled: boolean;
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation of the limit, percent. @default 80 */
  cpuTargetPercent: number;
  /** Target average memory utilisation of the limit, percent. @default 80 */
  memoryTargetPercent: number;
}

/** A revision as a caller hands it over: its version name, recipe and policies. */
export interface NewRevision {
  /** The name callers know this revision by ("1.0.3", "v2"); unique within one service. */
  version: string;
  spec: ReplicaSpec;
  rollout: RolloutPolicy;
  autoscale: AutoscalePolicy;
  /** The template it was made from, if any. */
  templateId: string | null;
}

/** One immutable version of a service's recipe. */
export interface ServiceRevision extends NewRevision {
  /** From 1, in the order revisions were first rolled out. */
  number: number;
  createdAt: number;
  createdBy: string;
}

/**
 * A service's state in words:
 * - `stopped`: nothing should run (no revision yet, or deleted);
 * - `progressing`: a revision is rolling out and has not converged yet;
 * - `available`: every wanted replica of the current revision is ready;
 * - `degraded`: it was available and some replicas are missing or unready now (no rollout);
 * - `failed`: replicas crash-loop, or no node has matched for the failure policy's timeout.
 */
export type ServiceStatus = "stopped" | "progressing" | "available" | "degraded" | "failed";

export interface ServiceHistoryEntry {
  revision: number;
  /** `start`: first revision; `update`: a new or other revision; `rollback`: an earlier one. */
  cause: "start" | "update" | "rollback";
  by: string;
  at: number;
}

export interface ReplicatedService {
  id: string;
  /** Namespace the name is unique in (a quota unit's namespace, a workspace...). */
  scope: string;
  name: string;
  owner: string;
  placement: Placement;
  targets: ServiceTargets;
  /** Desired replicas per selected cluster (`spread`; autoscaling moves it). */
  replicas: number;
  /** Quota unit its replicas are charged to while that unit has allocations; null: none. */
  quotaUnitId: string | null;
  revisions: ServiceRevision[];
  /** Number of the revision in effect (what the controller converges to); null: none yet. */
  current: number | null;
  history: ServiceHistoryEntry[];
  status: ServiceStatus;
  /** Surface-owned records about this service, keyed by surface name; core never reads them. */
  extension: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

/**
 * A named, versioned recipe in a scope from which services roll out revisions (an OTE app
 * version, a ModelArts model version). Immutable once stored, except for deletion.
 */
export interface ServiceTemplate {
  id: string;
  scope: string;
  name: string;
  version: string;
  /** Every version of one template name has the same placement. */
  placement: Placement;
  /** Replicas a service made from it starts with. */
  replicas: number;
  spec: ReplicaSpec;
  rollout: RolloutPolicy;
  autoscale: AutoscalePolicy;
  description: string;
  owner: string;
  /** Surface-owned records about this version, keyed by surface name; core never reads them. */
  extension?: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** A revision made from a template. */
export const revisionOf = (t: ServiceTemplate): NewRevision => ({
  version: t.version,
  spec: t.spec,
  rollout: t.rollout,
  autoscale: t.autoscale,
  templateId: t.id,
});

export const currentRevision = (s: ReplicatedService): ServiceRevision | undefined =>
  s.current === null ? undefined : s.revisions.find((r) => r.number === s.current);
