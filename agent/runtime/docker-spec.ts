/**
 * TaskSpec -> Docker create options. Pure, so the GPU and limit rules can be read and tested
 * without an engine.
 */
import type Dockerode from "dockerode";
import { DEFAULT_CONTAINER_POLICY, type ContainerPolicy } from "./container-policy";
import { containerName, portKey, taskLabels, volumeName } from "./labels";
import type { TaskSpec } from "./runtime";

/** 1 MiB in bytes. */
const MIB = 1024 * 1024;

/**
 * Env vars the task may not set itself: the GPU set is the agent's decision (a user value could
 * widen it, microsoft/pai#1667), so it always comes from the spec's gpuUuids.
 */
const RESERVED_ENV = new Set(["NVIDIA_VISIBLE_DEVICES"]);

/** `KEY=value` list for Docker. CPU-only tasks get NVIDIA_VISIBLE_DEVICES=void so an
 * NVIDIA default runtime or a CUDA image's `=all` cannot expose every GPU to them. */
export function containerEnv(spec: TaskSpec): string[] {
  const env = Object.entries(spec.env)
    .filter(([key]) => !RESERVED_ENV.has(key))
    .map(([key, value]) => `${key}=${value}`);
  if (spec.gpuUuids.length === 0) env.push("NVIDIA_VISIBLE_DEVICES=void");
  return env;
}

/**
 * GPUs by explicit UUID. Never `Count`: Docker's Count:N means indices 0..N-1, not "N free GPUs",
 * and Docker rejects Count together with DeviceIDs.
 */
export function gpuDeviceRequests(gpuUuids: string[]): Dockerode.DeviceRequest[] {
  if (gpuUuids.length === 0) return [];
  return [{ Driver: "nvidia", DeviceIDs: [...gpuUuids], Capabilities: [["gpu"]] }];
}

/** The task's named volumes as Docker mounts (the runtime makes the volumes first, labelled). */
export function volumeMounts(spec: TaskSpec): Dockerode.MountConfig {
  return (spec.volumes ?? []).map((v) => ({
    Type: "volume" as const,
    Source: volumeName(spec.taskId, v.name),
    Target: v.mountPath,
  }));
}

/** The task's host paths as Docker bind mounts (the directory must exist on the node). */
export function hostPathMounts(spec: TaskSpec): Dockerode.MountConfig {
  return (spec.hostPaths ?? []).map((h) => ({
    Type: "bind" as const,
    Source: h.hostPath,
    Target: h.mountPath,
    ReadOnly: h.readOnly,
  }));
}

/**
 * Full create options for a task's container on node `nodeId`, held to `policy` (denied host
 * ports are refused before this, by checkHostPorts).
 */
export function createOptions(
  nodeId: string,
  spec: TaskSpec,
  policy: ContainerPolicy = DEFAULT_CONTAINER_POLICY,
): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of spec.ports) {
    const key = portKey(port);
    exposed[key] = {};
    // HostPort "" lets the engine pick a free port (PortSpec.hostPort 0).
    bindings[key] = [
      { HostIp: policy.portBindAddress, HostPort: port.hostPort > 0 ? String(port.hostPort) : "" },
    ];
  }

  const hostConfig: Dockerode.HostConfig = {
    PortBindings: bindings,
    // Restarts are the hub's decision (a new attempt), never the engine's.
    RestartPolicy: { Name: "no" },
    // Never privileged and no CapAdd: Docker's default capability set, which no spec can widen.
    Privileged: false,
    // setuid binaries and file capabilities cannot raise a process's privileges.
    SecurityOpt: ["no-new-privileges:true"],
  };
  // A fork bomb in one task cannot exhaust the node's process table.
  if (policy.pidsLimit > 0) hostConfig.PidsLimit = policy.pidsLimit;
  // cpuMilli 1000 = one CPU = 1e9 NanoCpus.
  if (spec.cpuMilli > 0) hostConfig.NanoCpus = spec.cpuMilli * 1e6;
  if (spec.memoryMiB > 0) hostConfig.Memory = spec.memoryMiB * MIB;
  const devices = gpuDeviceRequests(spec.gpuUuids);
  if (devices.length > 0) hostConfig.DeviceRequests = devices;
  const mounts = [...volumeMounts(spec), ...hostPathMounts(spec)];
  if (mounts.length > 0) hostConfig.Mounts = mounts;

  const options: Dockerode.ContainerCreateOptions = {
    name: containerName(nodeId, spec),
    Image: spec.image,
    Env: containerEnv(spec),
    Labels: taskLabels(nodeId, spec),
    ExposedPorts: exposed,
    HostConfig: hostConfig,
  };
  if (spec.command.length > 0) options.Cmd = [...spec.command];
  return options;
}
