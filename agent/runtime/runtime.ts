import type { Readable, Writable } from "node:stream";

/**
 * The container runtime behind the agent: DockerRuntime for real work, FakeRuntime for tests and
 * simulations. A runtime only ever lists and touches the containers of its own node (Docker
 * labels `corral.node`), so several agents may share one engine.
 */
export interface Runtime {
  readonly name: string;
  /** Whether work can run here; never throws. */
  check(): Promise<RuntimeStatus>;
  /** Every container of this node (running or exited), recovered from labels after a restart. */
  list(): Promise<TaskContainer[]>;
  /**
   * Makes sure the image is present (pulls it when not), creates and starts the container.
   * Rejects with a RuntimeError whose message says why (image cannot be had, engine down...).
   */
  start(spec: TaskSpec): Promise<TaskContainer>;
  /** SIGTERM, then SIGKILL after `graceSec`. Resolves when the container has exited. */
  stop(containerId: string, graceSec: number): Promise<void>;
  /** Removes the container (forcefully if still running). Unknown ids are ignored. */
  remove(containerId: string): Promise<void>;
  /** stdout and stderr, interleaved as the engine stored them. `tailLines` 0 means all. */
  logs(containerId: string, tailLines: number): Promise<string>;
  /** Called once per container exit (including containers recovered by list()). */
  onExit(listener: (container: TaskContainer) => void): void;
  /** Per-container CPU and memory usage; best effort. */
  stats?(containerId: string): Promise<{ cpuPercent: number; memoryUsedMiB: number } | null>;
  /**
   * Saves the container's filesystem as an image named `reference` (docker commit; named volumes
   * are not part of it). Resolves with the engine's image id.
   */
  commit?(containerId: string, reference: string): Promise<string>;
  /** Runs a command in a running container (docker exec); rejects when it cannot start. */
  exec?(containerId: string, options: ExecOptions): Promise<ExecProcess>;
  close(): Promise<void>;
}

export interface ExecOptions {
  command: string[];
  tty: boolean;
  /** Whether stdin is attached; without it the command's stdin is closed. */
  stdin: boolean;
  /** Initial terminal size when tty (0: the engine's default). */
  cols: number;
  rows: number;
}

/** A started exec: with a TTY everything comes on stdout and stderr stays empty. */
export interface ExecProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the command's exit code. */
  exited: Promise<number>;
  /** Ends the command (the client went away). */
  kill(): void;
}

export interface RuntimeStatus {
  name: string;
  available: boolean;
  /** Why work cannot run here, e.g. "Docker engine unreachable at /var/run/docker.sock: connect ENOENT". */
  error: string | null;
  version: string | null;
}

export interface PortSpec {
  name: string;
  containerPort: number;
  protocol: "tcp" | "udp";
  /** 0: the engine picks a free host port. */
  hostPort: number;
}

export interface PortBinding {
  name: string;
  containerPort: number;
  protocol: "tcp" | "udp";
  hostPort: number;
}

export interface TaskSpec {
  taskId: string;
  attempt: number;
  workloadId: string;
  /** Human-friendly part of the container name. */
  name: string;
  image: string;
  /** Empty: the image's default command. */
  command: string[];
  env: Record<string, string>;
  /** CPU limit in millicores; 0 means no limit. */
  cpuMilli: number;
  /** Memory limit in MiB; 0 means no limit. */
  memoryMiB: number;
  /** GPU or MIG UUIDs owned by this task. Empty: CPU-only (NVIDIA_VISIBLE_DEVICES=void). */
  gpuUuids: string[];
  ports: PortSpec[];
  /** Seconds between SIGTERM and SIGKILL. @default 10 */
  stopGraceSec: number;
  /** Credentials for pulling `image` from a private registry. Secret: never logged. */
  registryAuth?: { serverAddress: string; username: string; password: string };
  /**
   * Named volumes, one per task and name (volumeName()), made on first use and kept when the
   * container is removed, so a later attempt of the task finds its files. @default none
   */
  volumes?: VolumeMount[];
  /** Node directories bound into the container as they are (never made or removed). @default none */
  hostPaths?: HostPathMount[];
}

export interface HostPathMount {
  /** Absolute path on the node. */
  hostPath: string;
  /** Absolute path inside the container. */
  mountPath: string;
  readOnly: boolean;
}

export interface VolumeMount {
  /** The volume's name within its task. */
  name: string;
  /** Absolute path inside the container. */
  mountPath: string;
}

export type ContainerState = "starting" | "running" | "exited";

export interface TaskContainer {
  taskId: string;
  attempt: number;
  workloadId: string;
  containerId: string;
  state: ContainerState;
  exitCode: number | null;
  ip: string | null;
  ports: PortBinding[];
  gpuUuids: string[];
  /** Unix ms; null when unknown. */
  startedAt: number | null;
  finishedAt: number | null;
  /** Engine's error text (e.g. OOMKilled, start failure). */
  message: string | null;
}

/** A runtime operation failed; `reason` is a stable word, `message` is for people. */
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly reason:
      "image_unavailable" | "engine_unavailable" | "create_failed" | "start_failed" | "not_found",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RuntimeError";
  }
}
