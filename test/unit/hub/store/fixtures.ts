/** Whole domain objects with every field set, for repository round-trips. */
import type {
  Cluster,
  JoinToken,
  Node,
  NodeMetrics,
  Task,
  TokenRecord,
  User,
  Workload,
} from "../../../../hub/core/model";

export const user = (id: string, over: Partial<User> = {}): User => ({
  id,
  username: `user-${id}`,
  passwordHash: "scrypt$32768$8$1$c2FsdA$aGFzaA",
  admin: false,
  email: `${id}@example.com`,
  groups: ["default"],
  extension: { openpai: { virtualClusters: ["default"] } },
  createdAt: 1000,
  updatedAt: 1000,
  ...over,
});

export const token = (id: string, userId: string, over: Partial<TokenRecord> = {}): TokenRecord => ({
  id,
  userId,
  kind: "login",
  createdAt: 1000,
  expiresAt: 2000,
  revokedAt: null,
  ...over,
});

export const joinToken = (id: string, over: Partial<JoinToken> = {}): JoinToken => ({
  id,
  description: "for the lab",
  cluster: "lab",
  secretHash: "ab".repeat(32),
  createdAt: 1000,
  expiresAt: 5000,
  revokedAt: null,
  lastUsedAt: null,
  ...over,
});

export const cluster = (id: string, over: Partial<Cluster> = {}): Cluster => ({
  id,
  name: `cluster-${id}`,
  labels: ["site=lab"],
  createdAt: 1000,
  ...over,
});

export const metrics = (sampledAt: number): NodeMetrics => ({
  cpuPercent: 12.5,
  memoryUsedMiB: 2048,
  load1: 0.5,
  gpus: [
    {
      uuid: "GPU-1",
      utilizationPercent: 40,
      memoryUtilizationPercent: null,
      memoryUsedMiB: 100,
      temperatureC: 50,
      powerWatts: null,
    },
  ],
  sampledAt,
});

export const node = (id: string, clusterId: string, over: Partial<Node> = {}): Node => ({
  id,
  name: `node-${id}`,
  clusterId,
  labels: ["gpu", "zone=a"],
  status: "notready",
  schedulable: true,
  agentVersion: "0.1.0",
  address: "10.0.0.5",
  hardware: {
    cpu: { manufacturer: "Intel", brand: "Xeon", cores: 16, physicalCores: 8, speedGhz: 3.1 },
    memory: { totalMiB: 64000 },
    disks: [{ name: "/dev/sda1", mount: "/", fsType: "ext4", sizeMiB: 100, usedMiB: 10 }],
    nics: [
      { name: "eth0", mac: "02:00:00:00:00:01", addresses: ["10.0.0.5"], speedMbps: 1000, virtual: false },
    ],
    os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1.0", arch: "x64", hostname: "n" },
    gpuAvailable: true,
    gpuError: null,
    driverVersion: "535.54.03",
    cudaVersion: "12.2",
    gpus: [
      {
        uuid: "GPU-1",
        index: 0,
        name: "NVIDIA A100",
        memoryMiB: 81920,
        pciBusId: "00000000:01:00.0",
        computeCap: "8.0",
        migEnabled: false,
        parentUuid: null,
        migProfile: null,
        migIndex: null,
      },
    ],
  },
  runtime: { name: "docker", available: true, error: null, version: "24.0.7" },
  credentialHash: "cd".repeat(32),
  lastSeenAt: 1500,
  statusChangedAt: 1200,
  createdAt: 1000,
  metrics: null,
  ...over,
});

export const workload = (id: string, over: Partial<Workload> = {}): Workload => ({
  id,
  name: `wl-${id}`,
  owner: "alice",
  kind: "batch",
  clusterId: null,
  nodeSelector: ["gpu"],
  roles: [
    {
      name: "worker",
      image: "busybox",
      command: ["sh", "-c", "echo hi"],
      env: { A: "1" },
      instances: 2,
      resources: { cpuMilli: 500, memoryMiB: 256, gpu: 1 },
      ports: [{ name: "http", containerPort: 80, protocol: "tcp", hostPort: 0 }],
      maxAttempts: 2,
    },
  ],
  gang: true,
  disconnectTimeoutSec: 300,
  stopGraceSec: 10,
  state: "pending",
  ending: null,
  meta: { openpai: { jobName: "x" } },
  quotaUnitId: null,
  nodePoolId: null,
  priority: 0,
  preemptible: false,
  maxJobAttempts: 1,
  jobAttempt: 1,
  lease: null,
  createdAt: 1000,
  updatedAt: 1000,
  finishedAt: null,
  ...over,
});

export const task = (id: string, workloadId: string, over: Partial<Task> = {}): Task => ({
  id,
  workloadId,
  role: "worker",
  index: 0,
  attempt: 1,
  state: "pending",
  nodeId: null,
  gpuUuids: [],
  containerId: null,
  ip: null,
  ports: [],
  exitCode: null,
  message: null,
  reason: "waiting for the scheduler",
  retryAt: null,
  backoffMs: 0,
  volumeNodeId: null,
  createdAt: 1000,
  updatedAt: 1000,
  startedAt: null,
  finishedAt: null,
  ...over,
});
