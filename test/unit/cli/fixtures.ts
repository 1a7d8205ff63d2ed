// Canned native-API JSON, shaped as docs/native-api.md shows it.
import type { ClusterJson, JoinTokenJson, NodeJson, WorkloadJson } from "../../../cli/api-types";

export const TOKEN = "tok-secret-123";

export function node(over: Partial<NodeJson> = {}): NodeJson {
  return {
    id: "3f1c0000-0000-4000-8000-000000000001",
    name: "gpu-01",
    cluster: "default",
    status: "ready",
    schedulable: true,
    labels: ["gpu", "zone=a"],
    agentVersion: "0.1.0",
    address: "10.0.0.5",
    lastSeenAt: "2026-11-23T16:59:55.000Z",
    createdAt: "2026-11-20T10:00:00.000Z",
    runtime: {
      name: "docker",
      available: false,
      error: "cannot connect to /var/run/docker.sock",
      version: null,
    },
    hardware: {
      cpu: { manufacturer: "AMD", brand: "EPYC 7543", cores: 16, physicalCores: 8, speedGhz: 3.1 },
      memory: { totalMiB: 64000 },
      disks: [{ name: "/dev/sda1", mount: "/", fsType: "ext4", sizeMiB: 512000, usedMiB: 20480 }],
      nics: [
        { name: "eth0", mac: "aa:bb:cc:dd:ee:ff", addresses: ["10.0.0.5"], speedMbps: 1000, virtual: false },
      ],
      os: {
        platform: "linux",
        distro: "Debian GNU/Linux",
        release: "12",
        kernel: "6.1.0",
        arch: "x64",
        hostname: "gpu-01",
      },
      gpuAvailable: true,
      gpuError: null,
      driverVersion: "535.54.03",
      cudaVersion: "12.2",
      gpus: [
        {
          uuid: "GPU-aaaa",
          index: 0,
          name: "NVIDIA A100",
          memoryMiB: 81920,
          pciBusId: "00000000:01:00.0",
          computeCap: "8.0",
          migEnabled: true,
          parentUuid: null,
          migProfile: null,
          migIndex: null,
        },
        {
          uuid: "MIG-bbbb",
          index: 0,
          name: "NVIDIA A100 MIG 1g.10gb",
          memoryMiB: 9728,
          parentUuid: "GPU-aaaa",
          migProfile: "1g.10gb",
          migIndex: 0,
        },
        {
          uuid: "GPU-cccc",
          index: 1,
          name: "NVIDIA A100",
          memoryMiB: 81920,
          pciBusId: "00000000:02:00.0",
          computeCap: "8.0",
          migEnabled: false,
          parentUuid: null,
          migProfile: null,
          migIndex: null,
        },
      ],
    },
    capacity: { cpuMilli: 16000, memoryMiB: 64000, gpu: 2 },
    allocated: { cpuMilli: 2000, memoryMiB: 1024, gpu: 1 },
    metrics: { cpuPercent: 3.5, memoryUsedMiB: 1200, load1: 0.2, sampledAt: "2026-11-23T16:59:50.000Z" },
    ...over,
  };
}

export function cluster(over: Partial<ClusterJson> = {}): ClusterJson {
  return {
    id: "c1",
    name: "default",
    labels: [],
    nodeCount: 2,
    readyNodeCount: 1,
    createdAt: "2026-11-20T10:00:00.000Z",
    ...over,
  };
}

export function workload(over: Partial<WorkloadJson> = {}): WorkloadJson {
  return {
    id: "9d2e7f10-aaaa-4bbb-8ccc-000000000042",
    name: "hello",
    owner: "admin",
    state: "running",
    createdAt: "2026-11-23T16:55:00.000Z",
    finishedAt: null,
    image: "busybox",
    command: ["sh", "-c", "echo hi"],
    env: { A: "1" },
    instances: 2,
    resources: { cpuMilli: 500, memoryMiB: 256, gpu: 1 },
    ports: [{ name: "http", containerPort: 80, protocol: "tcp" }],
    nodeSelector: ["gpu"],
    cluster: null,
    tasks: [
      {
        id: "t0",
        index: 0,
        state: "running",
        node: "gpu-01",
        gpus: ["GPU-cccc"],
        containerId: "0123456789abcdef0123",
        exitCode: null,
        message: null,
        reason: null,
      },
      {
        id: "t1",
        index: 1,
        state: "pending",
        node: null,
        gpus: [],
        containerId: null,
        exitCode: null,
        message: null,
        reason: "no node has a free GPU",
      },
    ],
    ...over,
  };
}

export function joinToken(id: string, over: Partial<JoinTokenJson> = {}): JoinTokenJson {
  return {
    id,
    description: `token ${id}`,
    cluster: null,
    createdAt: "2026-11-23T12:00:00.000Z",
    expiresAt: "2026-11-24T12:00:00.000Z",
    revokedAt: null,
    lastUsedAt: null,
    valid: true,
    ...over,
  };
}
