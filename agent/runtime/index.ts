/**
 * The runtime registry: the agent's main.ts picks a runtime by name (CORRAL_RUNTIME) here.
 */
import type { ContainerPolicy } from "./container-policy";
import { DockerRuntime } from "./docker-runtime";
import type { RuntimeLogger } from "./docker-runtime";
import { FakeRuntime } from "./fake-runtime";
import type { Runtime } from "./runtime";

export type RuntimeKind = "docker" | "fake";

export interface CreateRuntimeOptions {
  nodeId: string;
  /** Docker only. @default "/var/run/docker.sock" */
  socketPath?: string;
  /** Docker only. @default no logging */
  logger?: RuntimeLogger;
  /** Docker only: what every task container is held to. @default DEFAULT_CONTAINER_POLICY */
  policy?: ContainerPolicy;
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
export type { DockerRuntimeOptions } from "./docker-runtime";
export type { FakeBehaviour, FakeRuntimeOptions } from "./fake-runtime";
export { GpuConflictError, GpuLedger, gpuTaskKey } from "./gpu-ledger";
export type { GpuConflict } from "./gpu-ledger";
export { LABELS, containerName } from "./labels";
export { RuntimeError } from "./runtime";
export type {
  ContainerState,
  PortBinding,
  PortSpec,
  Runtime,
  RuntimeStatus,
  TaskContainer,
  TaskSpec,
} from "./runtime";
