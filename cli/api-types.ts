// Shapes of the native API's JSON as the CLI reads them (docs/native-api.md). The CLI never imports hub
// code, so these are its own copy; fields a hub may leave out or null are typed that way, and the
// presenters in output.ts tolerate them.

export interface ListResponse<T> {
  items: T[];
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: { username: string; admin: boolean };
}

/** Resources in canonical units: CPU millicores, memory MiB, GPU device count. */
export interface Resources {
  cpuMilli: number;
  memoryMiB: number;
  gpu: number;
}

export interface Gpu {
  uuid: string;
  index: number;
  name: string;
  memoryMiB: number | null;
  pciBusId?: string | null;
  computeCap?: string | null;
  migEnabled?: boolean;
  /** Set on a MIG slice: the UUID of the physical GPU it belongs to. */
  parentUuid?: string | null;
  migProfile?: string | null;
  migIndex?: number | null;
}

export interface NodeJson {
  id: string;
  name: string;
  cluster: string;
  status: string;
  schedulable: boolean;
  labels: string[];
  agentVersion?: string;
  address?: string;
  lastSeenAt?: string | null;
  createdAt?: string;
  /** Labels the node may set itself (its join token's allowance); null: any. */
  allowedLabels?: string[] | null;
  /** When the agent last reported other GPUs or memory total than before. */
  hardwareChangedAt?: string | null;
  /** An admin ran `corral node replace`; the next join takes the node over. */
  replacePending?: boolean;
  /** Taints that keep untolerated work off the node (`corral node taint`). */
  taints?: { key: string; value: string; effect: string }[];
  runtime?: { name: string; available: boolean; error: string | null; version: string | null } | null;
  hardware?: {
    cpu?: {
      manufacturer?: string;
      brand?: string;
      cores?: number;
      physicalCores?: number;
      speedGhz?: number;
    };
    memory?: { totalMiB?: number };
    disks?: { name: string; mount: string; fsType: string; sizeMiB: number; usedMiB: number }[];
    nics?: { name: string; mac: string; addresses: string[]; speedMbps: number | null; virtual: boolean }[];
    os?: {
      platform?: string;
      distro?: string;
      release?: string;
      kernel?: string;
      arch?: string;
      hostname?: string;
    };
    gpuAvailable?: boolean;
    gpuError?: string | null;
    driverVersion?: string | null;
    cudaVersion?: string | null;
    gpus?: Gpu[];
  } | null;
  capacity?: Resources;
  allocated?: Resources;
  metrics?: { cpuPercent?: number; memoryUsedMiB?: number; load1?: number; sampledAt?: string } | null;
}

export interface ClusterJson {
  id: string;
  name: string;
  labels: string[];
  nodeCount: number;
  readyNodeCount: number;
  createdAt: string;
}

export interface JoinTokenJson {
  id: string;
  description: string | null;
  cluster: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** Label patterns its nodes may set themselves; null: any label. */
  allowedLabels?: string[] | null;
  valid: boolean;
  /** The secret: present only in the answer to POST /join-tokens. */
  token?: string;
}

export interface PortSpec {
  name: string;
  containerPort: number;
  protocol: "tcp" | "udp";
}

export interface TaskJson {
  id: string;
  index: number;
  role?: string;
  attempt?: number;
  state: string;
  node: string | null;
  nodeId?: string | null;
  gpus: string[];
  containerId: string | null;
  ip?: string | null;
  ports?: (PortSpec & { hostPort: number | null })[];
  exitCode: number | null;
  message: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  reason: string | null;
}

export interface WorkloadJson {
  id: string;
  name: string;
  owner?: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  image: string;
  command: string[];
  env: Record<string, string>;
  instances: number;
  resources: Resources;
  ports: PortSpec[];
  nodeSelector: string[];
  cluster: string | null;
  /** Named volumes (interactive workloads); absent from older hubs. */
  volumes?: VolumeSpec[];
  lease?: { durationSec: number; expiresAt: string } | null;
  tasks: TaskJson[];
}

/** Body of POST /workloads. */
export interface WorkloadSubmit {
  name: string;
  image: string;
  command?: string[];
  env?: Record<string, string>;
  instances?: number;
  resources?: Partial<Resources>;
  ports?: PortSpec[];
  nodeSelector?: string[];
  cluster?: string;
  kind?: "batch" | "service" | "interactive";
  volumes?: VolumeSpec[];
  /** Seconds. */
  leaseSec?: number;
}

/** A named volume of each task, kept on its node across stop and start. */
export interface VolumeSpec {
  name: string;
  mountPath: string;
}

/** Workload states after which nothing changes any more. */
export const FINAL_WORKLOAD_STATES: readonly string[] = ["succeeded", "failed", "stopped"];

/** A permanent access key (AK/SK) for Huawei Cloud SDK clients. */
export interface AccessKeyJson {
  /** The access key id (AK). */
  id: string;
  username: string | null;
  description: string;
  status: string;
  createdAt: string;
  /** The secret (SK): present only in the answer to POST /access-keys. */
  secret?: string;
}

/** GET /users (admin): never a password hash. */
export interface UserJson {
  id: string;
  username: string;
  admin: boolean;
  /** active or disabled (pending / rejected come from OTE-stack's approval flow). */
  status: string;
  email: string;
  createdAt: string;
  updatedAt: string;
}

/** GET /nodes/{name}/metrics: one stored sample of a node. */
export interface NodeSampleJson {
  at: string;
  cpuPercent: number;
  memoryUsedMiB: number;
  load1: number;
  gpus: {
    uuid: string;
    utilizationPercent: number | null;
    memoryUsedMiB: number | null;
    temperatureC: number | null;
    powerWatts: number | null;
  }[];
}

export interface QuotaAmountJson {
  deserved: number;
  limit: number | null;
  overQuotaWeight: number;
  allocated: number;
  /** What the scheduler would give the unit now. */
  fairShare: number;
}

/** GET /quota-units: a unit with, per node pool, each resource's quota and what it holds. */
export interface QuotaUnitJson {
  id: string;
  name: string;
  kind: string;
  parent: string | null;
  cluster: string | null;
  pools: ({ nodePool: string } & Record<"gpu" | "cpuMilli" | "memoryMiB", QuotaAmountJson>)[];
}
