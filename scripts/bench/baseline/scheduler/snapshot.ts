/**
 * The scheduler's input and output. It reads a snapshot and returns a plan; it does no I/O and
 * reads no clock, so placement is tested with hand-built snapshots (Nomad's rule).
 */

export interface NodeView {
  id: string;
  name: string;
  clusterId: string;
  labels: readonly string[];
  ready: boolean;
  schedulable: boolean;
  runtimeAvailable: boolean;
  /** Millicores, MiB. */
  capacity: { cpuMilli: number; memoryMiB: number };
  /** Allocatable GPU/MIG UUIDs in placement order (index order). */
  gpus: readonly string[];
  /** What placed tasks already hold. */
  used: { cpuMilli: number; memoryMiB: number; gpus: ReadonlySet<string> };
}

export interface PendingTask {
  taskId: string;
  workloadId: string;
  /** Tasks sharing a gang key are placed all together or not at all. */
  gang: string | null;
  clusterId: string | null;
  nodeSelector: readonly string[];
  /** Only this node will do (a pinned task); null: any. */
  nodeId: string | null;
  cpuMilli: number;
  memoryMiB: number;
  gpu: number;
}

export interface Assignment {
  taskId: string;
  nodeId: string;
  gpuUuids: string[];
}

export interface Plan {
  assignments: Assignment[];
  /** Why each task that was not placed waits, in words a user can act on. */
  waiting: Map<string, string>;
}
