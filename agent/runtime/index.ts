/**
 * The runtime registry: the agent's main.ts picks a runtime by name (CORRAL_RUNTIME) here.
 */
import { DockerRuntime } from "./docker-runtime.js";
import type { RuntimeLogger } from "./docker-runtime.js";
import { FakeRuntime } from "./fake-runtime.js";
import type { Runtime } from "./runtime.js";

export type RuntimeKind = "docker" | "fake";

export interface CreateRuntimeOptions {
  nodeId: string;
  /** Docker only. @default "/var/run/docker.sock" */
  socketPath?: string;
  /** Docker only. @default no logging */
  logger?: RuntimeLogger;
}

/** A runtime for this node. "fake" takes its behaviour from each task's FAKE_* env. */
export function createRuntime(kind: RuntimeKind, opts: CreateRuntimeOptions): Runtime {
  switch (kind) {
    case "docker":
      return new DockerRuntime(opts);
    case "fake":
      return new FakeRuntime({ nodeId: opts.nodeId });
  }
}

export { DockerRuntime, FakeRuntime };
export type { RuntimeLogger };
export type { DockerRuntimeOptions } from "./docker-runtime.js";
export type { FakeBehaviour, FakeRuntimeOptions } from "./fake-runtime.js";
export { GpuConflictError, GpuLedger, gpuTaskKey } from "./gpu-ledger.js";
export type { GpuConflict } from "./gpu-ledger.js";
export { LABELS, containerName } from "./labels.js";
export { RuntimeError } from "./runtime.js";
export type {
  ContainerState,
  PortBinding,
  PortSpec,
  Runtime,
  RuntimeStatus,
  TaskContainer,
  TaskSpec,
} from "./runtime.js";
