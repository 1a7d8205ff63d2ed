/** An in-memory store and a core over it, with a clock the test moves by hand. */
import { createCore, type Core } from "../../../../hub/core/index";
import type { GpuDevice, Node, NodeHardware, TaskRole } from "../../../../hub/core/model";
import type { NodeServiceOptions } from "../../../../hub/core/nodes";
import type { Store } from "../../../../hub/core/repositories";
import type { TaskReport } from "../../../../hub/core/task-lifecycle";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock } from "../../../helpers/fake-clock";

export { FakeClock };

export const OPTIONS: NodeServiceOptions = { downAfterMs: 60_000, metricsSampleMs: 10_000 };

export interface Harness {
  core: Core;
  clock: FakeClock;
  /** The store under `core`, for assertions on what was written and for close(). */
  store: Store;
}

/** A core over `openSqliteStore(dir)` (":memory:" unless told). Close it with store.close(). */
export function newCore(dir: string | ":memory:" = ":memory:", clock = new FakeClock()): Harness {
  const store = openSqliteStore(dir);
  return { core: createCore(store, clock, OPTIONS), clock, store };
}

export function gpus(n: number, prefix = "GPU-"): GpuDevice[] {
  return Array.from({ length: n }, (_, i) => ({
    uuid: `${prefix}${i}`,
    index: i,
    name: "NVIDIA A100",
    memoryMiB: 81920,
    pciBusId: `00000000:0${i}:00.0`,
    computeCap: "8.0",
    migEnabled: false,
    parentUuid: null,
    migProfile: null,
    migIndex: null,
  }));
}

export function hardware(
  opts: { cores?: number; memoryMiB?: number; gpus?: GpuDevice[] } = {},
): NodeHardware {
  return {
    cpu: { manufacturer: "Fake", brand: "Fake", cores: opts.cores ?? 8, physicalCores: 4, speedGhz: 3 },
    memory: { totalMiB: opts.memoryMiB ?? 16384 },
    disks: [],
    nics: [],
    os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1", arch: "x64", hostname: "h" },
    gpuAvailable: (opts.gpus ?? []).length > 0,
    gpuError: null,
    driverVersion: null,
    cudaVersion: null,
    gpus: opts.gpus ?? [],
  };
}

/**
 * Joins (once: a node of that name already there is used as it is, since a second join would need
 * its credential), says hello with `hw` and a working runtime, and becomes ready.
 */
export function readyNode(
  core: Core,
  name: string,
  opts: { cluster?: string; labels?: string[]; hw?: NodeHardware } = {},
): Node {
  const cluster = opts.cluster ?? "default";
  const existing = core.nodes
    .list()
    .find((n) => n.name === name && core.clusters.byId(n.clusterId)?.name === cluster);
  const node = existing ?? core.nodes.join(cluster, name).node;
  core.nodes.hello(node.id, {
    agentVersion: "0.1.0",
    address: "10.0.0.1",
    labels: opts.labels ?? [],
    hardware: opts.hw ?? hardware(),
    runtime: { name: "docker", available: true, error: null, version: "24.0" },
  });
  core.nodes.setStatus(node.id, "ready");
  return core.nodes.byId(node.id);
}

export function role(over: Partial<TaskRole> = {}): TaskRole {
  return {
    name: "main",
    image: "busybox",
    command: ["true"],
    env: { A: "1" },
    instances: 1,
    resources: { cpuMilli: 1000, memoryMiB: 512, gpu: 0 },
    ports: [],
    maxAttempts: 1,
    ...over,
  };
}

/** A report from the agent about a task, `running` unless told. */
export function report(taskId: string, over: Partial<TaskReport> = {}): TaskReport {
  return {
    taskId,
    attempt: 1,
    state: "running",
    exitCode: null,
    containerId: `ctr-${taskId}`,
    ip: "172.17.0.2",
    ports: [],
    message: "",
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}
