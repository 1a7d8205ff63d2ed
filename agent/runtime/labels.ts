/**
 * Docker labels on Corral containers, and the way back from `docker inspect` to a TaskContainer.
 * The labels are the agent's only durable record of which container is which task: a restarted
 * agent recovers its work (and its GPU ledger) from them.
 */
import type Dockerode from "dockerode";
import type { ContainerState, PortBinding, PortSpec, TaskContainer, TaskSpec } from "./runtime";

/** Label names. Values are plain strings, as Docker requires. */
export const LABELS = {
  /** Node id of the agent that owns the container; each runtime lists only its own. */
  node: "corral.node",
  task: "corral.task",
  /** Decimal attempt number. */
  attempt: "corral.attempt",
  workload: "corral.workload",
  /** Comma-separated GPU / MIG UUIDs; empty for CPU-only tasks. */
  gpus: "corral.gpus",
  /** JSON array of PortLabel, so published ports keep their names after a recovery. */
  ports: "corral.ports",
  /** On a named volume: its name within the task (the task is `corral.task`). */
  volume: "corral.volume",
} as const;

/** What `corral.ports` holds per port: enough to name the engine's bindings again. */
export interface PortLabel {
  name: string;
  containerPort: number;
  protocol: "tcp" | "udp";
}

/** Identity of a task read back from a container's labels. */
export interface LabelledTask {
  nodeId: string;
  taskId: string;
  attempt: number;
  workloadId: string;
  gpuUuids: string[];
  ports: PortLabel[];
}

/** The labels put on a task's container. */
export function taskLabels(nodeId: string, spec: TaskSpec): Record<string, string> {
  const ports: PortLabel[] = spec.ports.map((p) => ({
    name: p.name,
    containerPort: p.containerPort,
    protocol: p.protocol,
  }));
  return {
    [LABELS.node]: nodeId,
    [LABELS.task]: spec.taskId,
    [LABELS.attempt]: String(spec.attempt),
    [LABELS.workload]: spec.workloadId,
    [LABELS.gpus]: spec.gpuUuids.join(","),
    [LABELS.ports]: JSON.stringify(ports),
  };
}

/**
 * The Docker volume of a task's named volume: `corral-<taskId>-<name>`. Per task (not per node or
 * attempt), so every attempt of the task mounts the same files; task ids are unique hub-wide.
 */
export function volumeName(taskId: string, name: string): string {
  return `corral-${sanitize(taskId, 64) || "task"}-${sanitize(name, 63) || "volume"}`;
}

/**
 * Labels of a task's named volume. The reconciler and the runtime never remove volumes: they
 * outlive the task's containers (and the agent), and `docker volume ls --filter label=corral.task`
 * finds them.
 */
export function volumeLabels(
  nodeId: string,
  spec: Pick<TaskSpec, "taskId" | "workloadId">,
  name: string,
): Record<string, string> {
  return {
    [LABELS.node]: nodeId,
    [LABELS.task]: spec.taskId,
    [LABELS.workload]: spec.workloadId,
    [LABELS.volume]: name,
  };
}

/** Docker name rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. Anything else becomes "-". */
function sanitize(part: string, maxLen: number): string {
  const clean = part
    .replace(/[^a-zA-Z0-9_.-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .slice(0, maxLen)
    .replace(/^[^a-zA-Z0-9]+|[-_.]+$/g, "");
  return clean;
}

/**
 * `corral-<nodeId first 8>-<name>-<taskId first 8>-a<attempt>`, always a valid Docker name.
 * The human part is cut to 40 characters so names stay readable in `docker ps`.
 */
export function containerName(nodeId: string, spec: Pick<TaskSpec, "name" | "taskId" | "attempt">): string {
  const node = sanitize(nodeId, 8) || "node";
  const name = sanitize(spec.name, 40) || "task";
  const task = sanitize(spec.taskId, 8) || "task";
  return `corral-${node}-${name}-${task}-a${spec.attempt}`;
}

/** Reads our labels; null when the container is not a Corral task container. */
export function readLabels(labels: Record<string, string> | null | undefined): LabelledTask | null {
  if (!labels) return null;
  const nodeId = labels[LABELS.node];
  const taskId = labels[LABELS.task];
  const attempt = Number(labels[LABELS.attempt]);
  if (!nodeId || !taskId || !Number.isInteger(attempt)) return null;
  const gpus = labels[LABELS.gpus] ?? "";
  return {
    nodeId,
    taskId,
    attempt,
    workloadId: labels[LABELS.workload] ?? "",
    gpuUuids: gpus === "" ? [] : gpus.split(",").filter((u) => u !== ""),
    ports: parsePortLabel(labels[LABELS.ports]),
  };
}

function parsePortLabel(raw: string | undefined): PortLabel[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (p): p is PortLabel =>
        typeof p === "object" &&
        p !== null &&
        typeof (p as PortLabel).name === "string" &&
        typeof (p as PortLabel).containerPort === "number" &&
        ((p as PortLabel).protocol === "tcp" || (p as PortLabel).protocol === "udp"),
    );
  } catch {
    // A hand-edited or truncated label must not hide the container: recover it without names.
    return [];
  }
}

/** Docker's "0001-01-01T00:00:00Z" means never; null then. Unix ms otherwise. */
export function dockerTime(value: string | undefined): number | null {
  if (!value || value.startsWith("0001-")) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Docker port key, e.g. "8080/tcp". */
export function portKey(p: Pick<PortSpec, "containerPort" | "protocol">): string {
  return `${p.containerPort}/${p.protocol}`;
}

/** Published host ports of a container, named after the PortSpecs recorded in its labels. */
export function portBindings(info: Dockerode.ContainerInspectInfo, ports: PortLabel[]): PortBinding[] {
  // Ports are only live while the container runs; fall back to the requested fixed host port.
  const live = info.NetworkSettings?.Ports ?? {};
  const requested = (info.HostConfig?.PortBindings ?? {}) as Record<string, Array<{ HostPort?: string }>>;
  return ports.map((p) => {
    const key = portKey(p);
    const entries = live[key] ?? requested[key] ?? [];
    const hostPort = entries.map((e) => Number(e.HostPort)).find((n) => Number.isInteger(n) && n > 0) ?? 0;
    return { name: p.name, containerPort: p.containerPort, protocol: p.protocol, hostPort };
  });
}

function firstIp(info: Dockerode.ContainerInspectInfo): string | null {
  for (const net of Object.values(info.NetworkSettings?.Networks ?? {})) {
    if (net.IPAddress) return net.IPAddress;
  }
  return null;
}

/**
 * Maps the engine's state. A container that was created but failed to start (State.Error set)
 * counts as exited, so the reconciler sees a failure and removes it; one created without an
 * error is still starting (e.g. the agent died between create and start).
 */
function mapState(state: Dockerode.ContainerInspectInfo["State"]): ContainerState {
  switch (state.Status) {
    case "running":
    case "paused":
    case "restarting":
      return "running";
    case "created":
      return state.Error ? "exited" : "starting";
    default:
      // "exited", "dead", "removing"
      return "exited";
  }
}

/** TaskContainer from `docker inspect`; null when the container carries no Corral labels. */
export function containerFromInspect(info: Dockerode.ContainerInspectInfo): TaskContainer | null {
  const task = readLabels(info.Config?.Labels);
  if (!task) return null;
  const state = mapState(info.State);
  const message = info.State.OOMKilled ? "OOMKilled" : info.State.Error || null;
  return {
    taskId: task.taskId,
    attempt: task.attempt,
    workloadId: task.workloadId,
    containerId: info.Id,
    state,
    exitCode: state === "exited" ? info.State.ExitCode : null,
    ip: state === "running" ? firstIp(info) : null,
    ports: portBindings(info, task.ports),
    gpuUuids: task.gpuUuids,
    startedAt: dockerTime(info.State.StartedAt),
    finishedAt: state === "exited" ? dockerTime(info.State.FinishedAt) : null,
    message,
  };
}
