/**
 * The one core model every API surface translates (docs/architecture.md §2). Times are Unix milliseconds;
 * CPU in millicores, memory in MiB, GPUs as device counts (a MIG slice is one device).
 */
import type { Taint, Toleration } from "./taint-model";

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  admin: boolean;
  email: string;
  /** Group names (OpenPAI groups: admin rights and virtual-cluster access come from them). */
  groups: string[];
  /** Whether the user may log in and use tokens (core.auth checks it for every surface). */
  status: UserStatus;
  /** Surface-specific extras (OpenPAI extension, OTE status...) live here, keyed by surface. */
  extension: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/**
 * A user's standing: only `active` users log in or use a token. `pending` awaits an admin's review
 * (self-registration), `rejected` was refused on review, `disabled` was switched off by an admin.
 */
export type UserStatus = "active" | "pending" | "rejected" | "disabled";

export interface Group {
  name: string;
  description: string;
  externalName: string;
  extension: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/**
 * What a token may do: `login` (a session, from a password login or a refresh), `application`
 * (long-lived, for scripts), `refresh` (only trades itself for a new pair, never an access token).
 */
export type TokenKind = "login" | "application" | "refresh";

/** A signed token's server-side record; revoking sets revokedAt. */
export interface TokenRecord {
  id: string;
  userId: string;
  kind: TokenKind;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /**
   * When the password login this token descends from happened (a refresh keeps it); absent when
   * unknown (tokens from before migration 021): such a token is never a fresh login.
   */
  authAt?: number;
}

/** One line of the audit trail: logins, their failures, token creation and revocation. */
export interface AuditEvent {
  /** Increasing, from the store. */
  seq: number;
  at: number;
  /** e.g. login.succeeded, login.failed, login.throttled, token.created, token.revoked, tokens.revoked. */
  type: string;
  username: string | null;
  /** The caller's network address, when the event came from a request. */
  address: string | null;
  tokenId: string | null;
  /** Human detail (the surface, the token kind, a count); never a secret. */
  detail: string;
}

export interface JoinToken {
  id: string;
  description: string;
  /** When set, nodes joining with this token land in this cluster whatever they ask for. */
  cluster: string | null;
  secretHash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /**
   * Label patterns (`gpu`, `zone=*`) a node joining with this token may set itself (Hello,
   * CORRAL_LABELS); others are dropped. Absent or null: any label (the behaviour before issue 13).
   */
  allowedLabels?: string[] | null;
}

export interface Cluster {
  id: string;
  name: string;
  labels: string[];
  createdAt: number;
}

export type NodeStatus = "ready" | "notready" | "down";

export interface GpuDevice {
  uuid: string;
  index: number;
  name: string;
  memoryMiB: number | null;
  pciBusId: string | null;
  computeCap: string | null;
  migEnabled: boolean;
  parentUuid: string | null;
  migProfile: string | null;
  migIndex: number | null;
}

export interface NodeHardware {
  cpu: { manufacturer: string; brand: string; cores: number; physicalCores: number; speedGhz: number };
  memory: { totalMiB: number };
  disks: { name: string; mount: string; fsType: string; sizeMiB: number; usedMiB: number }[];
  nics: { name: string; mac: string; addresses: string[]; speedMbps: number; virtual: boolean }[];
  os: { platform: string; distro: string; release: string; kernel: string; arch: string; hostname: string };
  gpuAvailable: boolean;
  gpuError: string | null;
  driverVersion: string | null;
  cudaVersion: string | null;
  gpus: GpuDevice[];
}

export interface RuntimeInfo {
  name: string;
  available: boolean;
  error: string | null;
  version: string | null;
}

export interface NodeMetrics {
  cpuPercent: number;
  memoryUsedMiB: number;
  load1: number;
  gpus: {
    uuid: string;
    utilizationPercent: number | null;
    memoryUtilizationPercent: number | null;
    memoryUsedMiB: number | null;
    temperatureC: number | null;
    powerWatts: number | null;
  }[];
  sampledAt: number;
}

export interface Node {
  id: string;
  name: string;
  clusterId: string;
  labels: string[];
  status: NodeStatus;
  schedulable: boolean;
  agentVersion: string;
  address: string;
  hardware: NodeHardware | null;
  runtime: RuntimeInfo | null;
  credentialHash: string;
  lastSeenAt: number | null;
  statusChangedAt: number;
  createdAt: number;
  metrics: NodeMetrics | null;
  /** The allowedLabels of the join token the node last joined with (null: any label). */
  allowedLabels?: string[] | null;
  /** When the agent last reported different GPUs (UUIDs or count) or memory total; null: never. */
  hardwareChangedAt?: number | null;
  /** Taints that keep untolerated work off the node (taint-model.ts). @default [] */
  taints?: Taint[];
  /** When an admin removed the node (its credential revoked); absent: a member of its cluster. */
  removedAt?: number | null;
}

/**
 * A node pool: the nodes carrying every label of its selector (`key=value` strings). The pool named
 * `default` has an empty selector and holds the nodes no other pool selects.
 */
export interface NodePool {
  id: string;
  name: string;
  labelSelector: string[];
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** The cluster whose nodes this pool sizes (a ModelArts resource pool's node pool); absent or null: any. */
  clusterId?: string | null;
  /** The node shape (flavor id) its nodes are meant to have; absent or null: any. */
  flavorId?: string | null;
  /** Desired node count (nodes join with a join token of the cluster); absent or null: not sized. */
  count?: number | null;
  /** Most nodes it may grow to; absent or null: no bound beyond `count`. */
  maxCount?: number | null;
}

/** How a node pool of a cluster is sized (NodePoolService.size). */
export interface NodePoolSizing {
  clusterId: string | null;
  flavorId: string | null;
  count: number | null;
  maxCount: number | null;
}

/**
 * A small JSON document kept about one cluster (or about the hub when `clusterId` is ""), by kind
 * and name: a surface's tags, plug-ins, node configuration or network records (migration 025).
 * Removed with its cluster.
 */
export interface ClusterRecord {
  clusterId: string;
  kind: string;
  name: string;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** One resource's quota in one node pool. Units: GPU devices, CPU millicores, memory MiB. */
export interface QuotaAmount {
  /** Guaranteed share. */
  deserved: number;
  /** Hard cap including borrowed capacity; null = unlimited. */
  limit: number | null;
  /** Share of idle capacity this unit may borrow, relative to others. @default 1 */
  overQuotaWeight: number;
}

export interface QuotaAllocation {
  nodePoolId: string;
  gpu: QuotaAmount;
  cpuMilli: QuotaAmount;
  memoryMiB: QuotaAmount;
}

/**
 * A tenant with per-node-pool allocations: an OpenPAI virtual cluster, a Run:ai project or
 * department, an OTE business, a ModelArts workspace. `kind` says which; surfaces keep their own
 * extra fields in `meta` under their name.
 */
export interface QuotaUnit {
  id: string;
  name: string;
  kind: "project" | "department" | "virtual-cluster" | "business" | "workspace";
  parentId: string | null;
  clusterId: string | null;
  allocations: QuotaAllocation[];
  /**
   * Node pool ids that work naming no pool may use, tried in order; null: the parent's list, else
   * the kind's default (see placement.ts). @default null
   */
  defaultNodePools: string[] | null;
  /** Rank of the unit in a node pool, by pool id (see QuotaRank); pools not listed: 0. */
  ranks: Record<string, QuotaRank>;
  /**
   * Other names of the unit, unique among all units' names and aliases: the spelling a surface
   * shows where the name is not valid in its grammar (OpenPAI VC `team_a` for project `team-a`).
   */
  aliases: string[];
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/**
 * A unit's rank in a node pool: a higher rank gets over-quota capacity in that pool strictly
 * first. 0 is the normal rank; negative ranks come after it. Integers.
 */
export type QuotaRank = number;

export interface Resources {
  cpuMilli: number;
  memoryMiB: number;
  gpu: number;
}

export interface PortSpec {
  name: string;
  containerPort: number;
  protocol: "tcp" | "udp";
  /** 0: the engine picks. */
  hostPort: number;
}

/** A published port: hostPort is the one the engine picked. */
export type PortBinding = PortSpec;

export interface TaskRole {
  name: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  instances: number;
  resources: Resources;
  ports: PortSpec[];
  /** Attempts a task may make before its failure fails the workload. @default 1 */
  maxAttempts: number;
  /** Pins every task of this role to one node (a daemon-set member). */
  nodeId?: string;
  /**
   * Names stored registry credentials for pulling `image` (`registry-credential/<id>`). Only
   * the name is stored with the workload; DesiredState resolves it when the task is sent to its
   * agent, so no password sits in workload rows.
   */
  pullSecret?: string;
  /**
   * When this role's tasks end the workload (FrameworkController's completion policy): it fails
   * once `minFailed` tasks failed for good, and succeeds once `minSucceeded` tasks succeeded; -1
   * means never. Absent: fail on the first failure, succeed when every task has completed.
   */
  completion?: { minFailed: number; minSucceeded: number };
  /**
   * Named volumes of each task of this role, kept on the node that holds them when the task stops
   * (a workload started again runs there). Absent: none.
   */
  volumes?: VolumeSpec[];
  /**
   * Container limits when they are above what placement reserves (`resources`, the requests).
   * Absent: `resources` are the limits too.
   */
  limits?: { cpuMilli: number; memoryMiB: number };
  /** Node directories bound into each task's container (bound as they are). Absent: none. */
  hostPaths?: HostPathSpec[];
}

/** A node directory bound at `mountPath` in a task's container. */
export interface HostPathSpec {
  /** Absolute, normalised path on the node. */
  hostPath: string;
  /** Absolute path in the container, not `/`. */
  mountPath: string;
  readOnly: boolean;
}

/** A named volume of a task, mounted at `mountPath` (absolute) in its container. */
export interface VolumeSpec {
  /** 1-63 lowercase letters, digits, '_', '.' or '-'; unique within the role. */
  name: string;
  mountPath: string;
}

/** When an interactive workload stops by itself; prolongable, and renewed by a start. */
export interface WorkloadLease {
  /** The lease a start grants, ms. */
  durationMs: number;
  /** Unix ms when the workload is stopped. */
  expiresAt: number;
}

export type WorkloadKind = "batch" | "service" | "interactive";
export type WorkloadState = "pending" | "running" | "stopping" | "succeeded" | "failed" | "stopped";

export interface Workload {
  id: string;
  name: string;
  owner: string;
  kind: WorkloadKind;
  /** Cluster the workload must run in; null: any. */
  clusterId: string | null;
  /** Labels every node must carry. */
  nodeSelector: string[];
  roles: TaskRole[];
  /** All tasks placed together or not at all. */
  gang: boolean;
  /** Seconds a task may stay on a disconnected node before it is lost. @default 300 */
  disconnectTimeoutSec: number;
  /** Seconds between SIGTERM and SIGKILL. @default 10 */
  stopGraceSec: number;
  state: WorkloadState;
  /**
   * Set by a stop request, a fatal failure or a completion policy met early: the remaining tasks
   * are being stopped.
   */
  ending: "stop" | "fail" | "succeed" | null;
  /** Attempts of the whole workload (OpenPAI jobRetryCount + 1). @default 1 */
  maxJobAttempts: number;
  /** The current whole-workload attempt, from 1. */
  jobAttempt: number;
  /** Surface-specific data (the submitted OpenPAI config...), keyed by surface. */
  meta: Record<string, unknown>;
  /** The tenant whose quota this workload uses; null: none (unlimited, lowest precedence). */
  quotaUnitId: string | null;
  /** Node pool the workload must run in; null: any. */
  nodePoolId: string | null;
  /** Higher runs first; Run:ai-style priority classes map onto it. @default 0 */
  priority: number;
  /** May be stopped to give a tenant its deserved share back. @default false */
  preemptible: boolean;
  /** Interactive workloads: the lease that stops it when it expires; null: none. */
  lease: WorkloadLease | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Node taints its tasks tolerate (taint-model.ts). @default [] (none) */
  tolerations?: Toleration[];
}

export type TaskState =
  "pending" | "assigned" | "starting" | "running" | "succeeded" | "failed" | "stopped" | "lost";

export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set([
  "succeeded",
  "failed",
  "stopped",
  "lost",
]);
/** States in which a task holds resources on its node. */
export const PLACED_TASK_STATES: ReadonlySet<TaskState> = new Set(["assigned", "starting", "running"]);

/** The fields of a task that belong to one placement; a new attempt starts from these. */
export const UNPLACED = {
  nodeId: null,
  gpuUuids: [] as string[],
  containerId: null,
  ip: null,
  ports: [] as PortBinding[],
  exitCode: null,
  reason: null,
  startedAt: null,
  finishedAt: null,
} as const satisfies Partial<Task>;

export interface Task {
  id: string;
  workloadId: string;
  role: string;
  index: number;
  attempt: number;
  state: TaskState;
  nodeId: string | null;
  gpuUuids: string[];
  containerId: string | null;
  ip: string | null;
  ports: PortBinding[];
  exitCode: number | null;
  message: string | null;
  /** Why a pending task waits (scheduler's explanation). */
  reason: string | null;
  /** A restarted service task is not placed before this time (crash-loop back-off); null: now. */
  retryAt: number | null;
  /** The back-off that set retryAt, doubled on each quick exit. 0: none. */
  backoffMs: number;
  /**
   * The node holding the task's named volumes (set when its first container was made there);
   * every later attempt is placed there only. null: no volumes, or none made yet.
   */
  volumeNodeId: string | null;
  /**
   * Attempts made before the workload's current start (0 until it is started again), so each
   * start has its role's whole retry budget.
   */
  attemptBase: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface WorkloadEvent {
  id: number;
  workloadId: string;
  taskId: string | null;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  at: number;
}

/**
 * A whole-workload attempt that failed and was retried (Workload.maxJobAttempts > 1): its tasks as
 * they ended; tasks still live then were stopped by the retry and are kept as stopped.
 */
export interface PastJobAttempt {
  workloadId: string;
  /** From 1, as Workload.jobAttempt. */
  attempt: number;
  /** When the attempt began: the previous attempt's end, or the workload's creation. Epoch ms. */
  startedAt: number;
  /** When it failed and the next attempt began. Epoch ms. */
  finishedAt: number;
  tasks: Task[];
}

/**
 * One task's usage over one minute: the means of the heartbeats received in it (docs/architecture.md §3:
 * aggregated in memory, written in batches).
 */
export interface TaskMetricPoint {
  taskId: string;
  /** Start of the minute, Unix ms. */
  at: number;
  /** Percent of one core (docker stats). */
  cpuPercent: number;
  memoryMiB: number;
  /** Mean utilisation of the task's GPUs; null when it has none or they reported none. */
  gpuUtilPercent: number | null;
  /** GPU memory used on the task's GPUs, summed over them; null as above. */
  gpuMemoryMiB: number | null;
  /** Heartbeats this point aggregates. */
  samples: number;
}

/** One task attempt asked to stop so that another quota unit gets its fair share back. */
export interface PreemptionRecord {
  taskId: string;
  attempt: number;
  workloadId: string;
  nodeId: string | null;
  reason: string;
  requestedAt: number;
  /** When the attempt stopped (and the task went back to pending); null while it is stopping. */
  finishedAt: number | null;
}

/**
 * One quota unit's use of one node pool at one instant (GPU devices, CPU millicores, memory MiB).
 * Utilisations are fractions 0..1 or null.
 */
export interface ProjectSample {
  unitId: string;
  poolId: string;
  at: number;
  quota: Resources;
  allocated: Resources;
  allocatedNonPreemptible: Resources;
  /** Placed plus pending requests. */
  requested: Resources;
  utilization: { gpu: number | null; gpuMemory: number | null; cpu: number | null; memory: number | null };
  pendingWorkloads: number;
}

/** A node client certificate the hub CA issued (issue 13); Connect accepts it while unrevoked and unexpired. */
export interface NodeCertificate {
  /** Lowercase hex. */
  serial: string;
  nodeId: string;
  issuedAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /**
   * SHA-256 (lowercase hex) of the certified key's SubjectPublicKeyInfo DER; null for certificates
   * issued before migration 33.
   */
  keySha256: string | null;
}

/** How many tasks of one role of a workload are in one state (TaskRepository.stateCounts). */
export interface TaskStateCount {
  role: string;
  state: TaskState;
  count: number;
}
