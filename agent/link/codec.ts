/** Agent types <-> protocol messages, at the link's border. */
import type { Hello } from "../../proto/gen/corral/v1/agent_link";
import type {
  GpuMetrics,
  HardwareInventory as ProtoInventory,
  NodeMetrics,
} from "../../proto/gen/corral/v1/hardware";
import { TaskState, type TaskSpec as ProtoTaskSpec, type TaskUpdate } from "../../proto/gen/corral/v1/tasks";
import type { GpuSample, HardwareInventory, NodeSample } from "../hardware/inventory";
import type { TaskStatus } from "../reconciler";
import type { RuntimeStatus, TaskSpec } from "../runtime/runtime";

const STATE: Record<TaskStatus["state"], TaskState> = {
  starting: TaskState.TASK_STATE_STARTING,
  running: TaskState.TASK_STATE_RUNNING,
  succeeded: TaskState.TASK_STATE_SUCCEEDED,
  failed: TaskState.TASK_STATE_FAILED,
  stopped: TaskState.TASK_STATE_STOPPED,
};

export function updateToProto(s: TaskStatus): TaskUpdate {
  return {
    taskId: s.taskId,
    attempt: s.attempt,
    state: STATE[s.state],
    exitCode: s.exitCode ?? undefined,
    containerId: s.containerId,
    ip: s.ip,
    ports: s.ports.map((p) => ({ ...p })),
    message: s.message,
    startedAtMs: s.startedAt ?? 0,
    finishedAtMs: s.finishedAt ?? 0,
    gpuUuids: s.gpuUuids,
  };
}

export function inventoryToProto(h: HardwareInventory): ProtoInventory {
  return {
    cpu: { ...h.cpu },
    memory: { totalMib: h.memory.totalMiB },
    disks: h.disks.map((d) => ({
      name: d.name,
      mount: d.mount,
      fsType: d.fsType,
      sizeMib: d.sizeMiB,
      usedMib: d.usedMiB,
    })),
    nics: h.nics.map((n) => ({ ...n })),
    os: { ...h.os },
    gpu: {
      available: h.gpu.available,
      error: h.gpu.error ?? "",
      driverVersion: h.gpu.driverVersion ?? "",
      cudaVersion: h.gpu.cudaVersion ?? "",
      gpus: h.gpu.gpus.map((g) => ({
        uuid: g.uuid,
        index: g.index,
        name: g.name,
        memoryMib: g.memoryMiB ?? undefined,
        pciBusId: g.pciBusId ?? "",
        computeCap: g.computeCap ?? "",
        migEnabled: g.migEnabled,
        parentUuid: g.parentUuid ?? "",
        migProfile: g.migProfile ?? "",
        migIndex: g.migIndex ?? undefined,
      })),
    },
  };
}

export function helloToProto(input: {
  nodeName: string;
  cluster: string;
  agentVersion: string;
  labels: string[];
  hardware: HardwareInventory;
  runtime: RuntimeStatus;
  tasks: TaskStatus[];
}): Hello {
  return {
    nodeName: input.nodeName,
    cluster: input.cluster,
    agentVersion: input.agentVersion,
    labels: input.labels,
    hardware: inventoryToProto(input.hardware),
    runtime: {
      name: input.runtime.name,
      available: input.runtime.available,
      error: input.runtime.error ?? "",
      version: input.runtime.version ?? "",
    },
    tasks: input.tasks.map(updateToProto),
  };
}

export function samplesToProto(
  node: NodeSample,
  gpus: GpuSample[],
): { node: NodeMetrics; gpus: GpuMetrics[] } {
  return {
    node: { cpuPercent: node.cpuPercent, memoryUsedMib: Math.round(node.memoryUsedMiB), load1: node.load1 },
    gpus: gpus.map((g) => ({
      uuid: g.uuid,
      utilizationPercent: g.utilizationPercent ?? undefined,
      memoryUtilizationPercent: g.memoryUtilizationPercent ?? undefined,
      memoryUsedMib: g.memoryUsedMiB === null ? undefined : Math.round(g.memoryUsedMiB),
      temperatureC: g.temperatureC ?? undefined,
      powerWatts: g.powerWatts ?? undefined,
    })),
  };
}

export function specFromProto(s: ProtoTaskSpec): TaskSpec {
  return {
    taskId: s.taskId,
    attempt: s.attempt,
    workloadId: s.workloadId,
    name: s.name,
    image: s.image,
    command: s.command,
    env: { ...s.env },
    cpuMilli: s.cpuMilli,
    memoryMiB: s.memoryMib,
    gpuUuids: s.gpuUuids,
    ports: s.ports.map((p) => ({
      name: p.name,
      containerPort: p.containerPort,
      protocol: p.protocol === "udp" ? "udp" : "tcp",
      hostPort: p.hostPort,
    })),
    stopGraceSec: s.stopGraceSec,
    ...(s.registryAuth ? { registryAuth: { ...s.registryAuth } } : {}),
    ...(s.volumes.length > 0
      ? { volumes: s.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) }
      : {}),
    ...(s.hostPaths.length > 0
      ? {
          hostPaths: s.hostPaths.map((h) => ({
            hostPath: h.hostPath,
            mountPath: h.mountPath,
            readOnly: h.readOnly,
          })),
        }
      : {}),
  };
}
