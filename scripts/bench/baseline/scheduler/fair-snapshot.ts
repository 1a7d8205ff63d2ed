/**
 * The fair-share scheduler's input and output: nodes with their pool, quota units with their
 * per-pool quotas, what runs and what waits. Built by hub/core/placement.ts; no I/O here.
 */
import type { NodeView, PendingTask, Plan } from "./snapshot";

export const RESOURCES = ["gpu", "cpuMilli", "memoryMiB"] as const;
/** GPU devices, CPU millicores, memory MiB. */
export type ResourceKey = (typeof RESOURCES)[number];
export type Amounts = Record<ResourceKey, number>;

export interface Quota {
  deserved: number;
  /** null = unlimited. */
  limit: number | null;
  overQuotaWeight: number;
}

export interface FairUnit {
  id: string;
  name: string;
  /** "project", "department", "virtual-cluster"...: used in reasons ("project ml-a ..."). */
  kind: string;
  parentId: string | null;
  /** Quota per pool id; a pool not listed: deserved 0, no limit, weight 1. */
  quotas: ReadonlyMap<string, Record<ResourceKey, Quota>>;
  /**
   * Pool ids that work naming no pool may use, tried in order (Run:ai's effective
   * defaultNodePools: the project's, else its department's, else the `default` pool). It never
   * spills into a pool not listed. null: no pool policy (pools where the unit has quota, then
   * `default`, then the rest).
   */
  defaultPools: readonly string[] | null;
  /**
   * Rank per pool id (Run:ai's per-pool `priority`): higher ranks get over-quota capacity strictly
   * first. @default 0 (MediumLow)
   */
  ranks?: ReadonlyMap<string, number>;
}

export interface FairNode extends NodeView {
  poolId: string;
}

export interface FairPending extends PendingTask {
  /** null: no quota unit (takes only idle capacity, lowest precedence). */
  unitId: string | null;
  /** The pool the workload must run in; null: any. */
  poolId: string | null;
  priority: number;
  preemptible: boolean;
}

export interface RunningTask {
  taskId: string;
  workloadId: string;
  unitId: string | null;
  poolId: string;
  nodeId: string;
  request: Amounts;
  gpuUuids: readonly string[];
  priority: number;
  preemptible: boolean;
  /** Ms; newer tasks lose first among equals. */
  startedAt: number;
  /** Already asked to stop for a reclaim: its resources are about to be freed. */
  preempting: boolean;
}

export interface FairSnapshot {
  pools: readonly { id: string; name: string }[];
  nodes: readonly FairNode[];
  units: readonly FairUnit[];
  running: readonly RunningTask[];
  /** Oldest first. */
  pending: readonly FairPending[];
}

/** Tasks placed together (a gang) or a single task, with what they ask for in sum. */
export interface Group {
  tasks: FairPending[];
  unitId: string | null;
  preemptible: boolean;
  priority: number;
  request: Amounts;
  /** Pools to try in order; the first is where its demand counts. */
  pools: string[];
}

export interface Preemption {
  taskId: string;
  /** Why, naming the project the resources go to. */
  reason: string;
}

export interface FairPlan extends Plan {
  preemptions: Preemption[];
  /** Fair share per pool id, then unit id, per resource (for status and metrics). */
  fairShares: Map<string, Map<string, Amounts>>;
}

export const zero = (): Amounts => ({ gpu: 0, cpuMilli: 0, memoryMiB: 0 });

export const NO_QUOTA: Quota = { deserved: 0, limit: null, overQuotaWeight: 1 };

export function quotaOf(unit: FairUnit | undefined, poolId: string, r: ResourceKey): Quota {
  return unit?.quotas.get(poolId)?.[r] ?? NO_QUOTA;
}

/** "2 GPUs", "1500 millicores", "512 MiB". */
export function amountText(r: ResourceKey, n: number): string {
  const v = Math.round(n * 100) / 100;
  if (r === "gpu") return `${v} GPU${v === 1 ? "" : "s"}`;
  return r === "cpuMilli" ? `${v} millicores` : `${v} MiB`;
}
