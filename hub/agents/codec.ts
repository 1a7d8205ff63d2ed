/**
 * Translation between the protocol (proto/gen) and the core model, at the gateway's border. Proto3
 * has no null for scalars: empty strings and unset optionals become null here.
 */
import type {
  GpuMetrics,
  HardwareInventory,
  NodeMetrics as ProtoNodeMetrics,
  TaskMetrics,
} from "../../proto/gen/corral/v1/hardware";
import type { RuntimeStatus } from "../../proto/gen/corral/v1/agent_link";
import { TaskState, type TaskSpec, type TaskUpdate } from "../../proto/gen/corral/v1/tasks";
import type { DesiredTask } from "../core/desired";
import type { NodeHardware, NodeMetrics, RuntimeInfo } from "../core/model";
import type { TaskReport } from "../core/task-lifecycle";

const orNull = (s: string | undefined): string | null => (s ? s : null);

export function hardwareFromProto(h: HardwareInventory | undefined): NodeHardware {
  return {
    cpu: {
      manufacturer: h?.cpu?.manufacturer ?? "",
      brand: h?.cpu?.brand ?? "",
      cores: h?.cpu?.cores ?? 0,
      physicalCores: h?.cpu?.physicalCores ?? 0,
      speedGhz: h?.cpu?.speedGhz ?? 0,
    },
    memory: { totalMiB: h?.memory?.totalMib ?? 0 },
    disks: (h?.disks ?? []).map((d) => ({
      name: d.name,
      mount: d.mount,
      fsType: d.fsType,
      sizeMiB: d.sizeMib,
      usedMiB: d.usedMib,
    })),
    nics: (h?.nics ?? []).map((n) => ({
      name: n.name,
      mac: n.mac,
      addresses: n.addresses,
      speedMbps: n.speedMbps,
      virtual: n.virtual,
    })),
    os: {
      platform: h?.os?.platform ?? "",
      distro: h?.os?.distro ?? "",
      release: h?.os?.release ?? "",
      kernel: h?.os?.kernel ?? "",
      arch: h?.os?.arch ?? "",
      hostname: h?.os?.hostname ?? "",
    },
    gpuAvailable: h?.gpu?.available ?? false,
    gpuError: orNull(h?.gpu?.error),
    driverVersion: orNull(h?.gpu?.driverVersion),
    cudaVersion: orNull(h?.gpu?.cudaVersion),
    gpus: (h?.gpu?.gpus ?? []).map((g) => ({
      uuid: g.uuid,
      index: g.index,
      name: g.name,
      memoryMiB: g.memoryMib ?? null,
      pciBusId: orNull(g.pciBusId),
      computeCap: orNull(g.computeCap),
      migEnabled: g.migEnabled,
      parentUuid: orNull(g.parentUuid),
      migProfile: orNull(g.migProfile),
      migIndex: g.migIndex ?? null,
    })),
  };
}

export function runtimeFromProto(r: RuntimeStatus | undefined): RuntimeInfo {
  return {
    name: r?.name ?? "",
    available: r?.available ?? false,
    error: orNull(r?.error) ?? (r ? null : "agent reported no runtime status"),
    version: orNull(r?.version),
  };
}

export function metricsFromProto(
  node: ProtoNodeMetrics | undefined,
  gpus: GpuMetrics[],
  at: number,
): NodeMetrics {
  return {
    cpuPercent: node?.cpuPercent ?? 0,
    memoryUsedMiB: node?.memoryUsedMib ?? 0,
    load1: node?.load1 ?? 0,
    gpus: gpus.map((g) => ({
      uuid: g.uuid,
      utilizationPercent: g.utilizationPercent ?? null,
      memoryUtilizationPercent: g.memoryUtilizationPercent ?? null,
      memoryUsedMiB: g.memoryUsedMib ?? null,
      temperatureC: g.temperatureC ?? null,
      powerWatts: g.powerWatts ?? null,
    })),
    sampledAt: at,
  };
}

/** One task's usage from a heartbeat: CPU percent of one core, memory MiB. */
export const taskUsageFromProto = (
  t: TaskMetrics,
): { taskId: string; cpuPercent: number; memoryUsedMiB: number } => ({
  taskId: t.taskId,
  cpuPercent: t.cpuPercent,
  memoryUsedMiB: t.memoryUsedMib,
});

const STATES: Partial<Record<TaskState, TaskReport["state"]>> = {
  [TaskState.TASK_STATE_STARTING]: "starting",
  [TaskState.TASK_STATE_RUNNING]: "running",
  [TaskState.TASK_STATE_SUCCEEDED]: "succeeded",
  [TaskState.TASK_STATE_FAILED]: "failed",
  [TaskState.TASK_STATE_STOPPED]: "stopped",
};

/** A TaskUpdate as a core report, or null when its state is unspecified (ignored). */
export function reportFromProto(u: TaskUpdate): TaskReport | null {
  const state = STATES[u.state];
  if (!state) return null;
  return {
    taskId: u.taskId,
    attempt: u.attempt,
    state,
    exitCode: u.exitCode ?? null,
    containerId: u.containerId,
    ip: u.ip,
    ports: u.ports.map((p) => ({
      name: p.name,
      containerPort: p.containerPort,
      protocol: p.protocol === "udp" ? "udp" : "tcp",
      hostPort: p.hostPort,
    })),
    message: u.message,
    startedAt: u.startedAtMs || null,
    finishedAt: u.finishedAtMs || null,
  };
}

export function specToProto(t: DesiredTask): TaskSpec {
  return {
    taskId: t.taskId,
    attempt: t.attempt,
    workloadId: t.workloadId,
    name: t.name,
    image: t.image,
    command: t.command,
    env: t.env,
    cpuMilli: t.cpuMilli,
    memoryMib: t.memoryMiB,
    gpuUuids: t.gpuUuids,
    ports: t.ports.map((p) => ({
      name: p.name,
      containerPort: p.containerPort,
      protocol: p.protocol,
      hostPort: p.hostPort,
    })),
    stopGraceSec: t.stopGraceSec,
    registryAuth: t.registryAuth ?? undefined,
    volumes: t.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
    hostPaths: t.hostPaths.map((h) => ({
      hostPath: h.hostPath,
      mountPath: h.mountPath,
      readOnly: h.readOnly,
    })),
  };
}
