import type { Task, Workload } from "../model";

/** Workload.meta key under which a replica keeps the service it belongs to (core's own key). */
export const REPLICA_META_KEY = "replicaOf";

/** Where a replica workload keeps its service (Workload.meta.replicaOf). */
export interface ReplicaLink {
  serviceId: string;
  /** Number of the revision it runs. */
  revision: number;
  nodeId: string;
  /** The revision's minReadySeconds, kept here so readiness needs no service lookup. */
  minReadySeconds: number;
}

/** One replica: a single-task service workload pinned to a node. */
export interface Replica {
  workload: Workload;
  task: Task | undefined;
  link: ReplicaLink;
  /** Running for at least the revision's minReadySeconds. */
  ready: boolean;
  running: boolean;
  /** Restarting after its container failed, failed for good, or crash-looping. */
  error: boolean;
  /** Restarted FailurePolicy.crashLoopRestarts times within its window. */
  crashLooping: boolean;
}

/** `{running, error, total}` from the replicas' real task states, and why the service failed. */
export interface ServiceHealth {
  running: number;
  error: number;
  total: number;
  /** Present while the service is failed. */
  reason?: string;
}

/** The replica link of a workload, or undefined when it is no replica. */
export const replicaLink = (w: Workload): ReplicaLink | undefined => {
  const m = w.meta[REPLICA_META_KEY] as Partial<ReplicaLink> | undefined;
  return m &&
    typeof m.serviceId === "string" &&
    typeof m.revision === "number" &&
    typeof m.nodeId === "string"
    ? { ...(m as ReplicaLink), minReadySeconds: m.minReadySeconds ?? 0 }
    : undefined;
};
