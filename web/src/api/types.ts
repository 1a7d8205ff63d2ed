/** The native API's JSON, as docs/native-api.md describes it (only the fields the console reads). */

export interface Me {
  username: string;
  admin: boolean;
}

export interface Resources {
  cpuMilli: number;
  memoryMiB: number;
  gpu: number;
}

export interface Gpu {
  uuid: string;
  index: number;
  name: string;
  memoryMiB: number;
  migEnabled: boolean;
  parentUuid: string | null;
  migProfile: string | null;
}

export interface GpuMetric {
  uuid: string;
  utilizationPercent: number | null;
  memoryUsedMiB: number | null;
  temperatureC: number | null;
  powerWatts: number | null;
}

export interface Node {
  id: string;
  name: string;
  cluster: string;
  status: "ready" | "notready" | "down";
  schedulable: boolean;
  labels: string[];
  agentVersion: string;
  address: string;
  lastSeenAt: string | null;
  runtime: { name: string; available: boolean; error: string | null; version: string | null } | null;
  hardware: {
    cpu: { brand: string; cores: number };
    memory: { totalMiB: number };
    os: { distro: string; release: string; kernel: string; arch: string };
    gpuAvailable?: boolean;
    gpuError?: string | null;
    driverVersion?: string | null;
    cudaVersion?: string | null;
    gpus: Gpu[];
  } | null;
  capacity: Resources;
  allocated: Resources;
  metrics: {
    cpuPercent: number;
    memoryUsedMiB: number;
    load1: number;
    gpus?: GpuMetric[];
    sampledAt: string;
  } | null;
}

export interface NodeSample {
  at: string;
  cpuPercent: number;
  memoryUsedMiB: number;
  gpus: GpuMetric[];
}

export interface Task {
  id: string;
  role: string;
  index: number;
  attempt: number;
  state: string;
  node: string | null;
  gpus: string[];
  ports: { name: string; containerPort: number; protocol: string; hostPort: number }[];
  exitCode: number | null;
  message: string | null;
  reason: string | null;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Workload {
  id: string;
  name: string;
  owner: string;
  kind: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  image: string | null;
  command: string[];
  instances: number;
  resources: Resources | null;
  ports: { name: string; containerPort: number }[];
  nodeSelector: string[];
  cluster: string | null;
  quotaUnit: string | null;
  nodePool: string | null;
  priority: number;
  tasks: Task[];
}

export interface WorkloadEvent {
  id: number;
  workloadId: string;
  workload?: string | null;
  taskId: string | null;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  at: string;
}

export interface Cluster {
  id: string;
  name: string;
  labels: string[];
  nodeCount: number;
  readyNodeCount: number;
  createdAt: string;
}

export interface NodePool {
  id: string;
  name: string;
  labelSelector: string[];
  nodes: string[];
  capacity: Resources;
}

export interface JoinToken {
  id: string;
  description: string;
  cluster: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  valid: boolean;
  token?: string;
}

/** A permanent access key (AK/SK) for Huawei Cloud SDK clients; `secret` only in the create answer. */
export interface AccessKey {
  id: string;
  username: string | null;
  description: string;
  status: string;
  createdAt: string;
  secret?: string;
}

export interface User {
  id: string;
  username: string;
  admin: boolean;
  status: string;
  email: string;
  createdAt: string;
}

export interface QuotaAmount {
  deserved: number;
  limit: number | null;
  overQuotaWeight: number;
  allocated: number;
}

export interface QuotaUnit {
  id: string;
  name: string;
  kind: string;
  parent: string | null;
  cluster: string | null;
  pools: ({ nodePool: string } & Record<"gpu" | "cpuMilli" | "memoryMiB", QuotaAmount>)[];
}

export interface Items<T> {
  items: T[];
}
