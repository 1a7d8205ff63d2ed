/** TaskSpec factory for the runtime tests. */
import { randomUUID } from "node:crypto";
import type { TaskSpec } from "../../agent/runtime/runtime";

/** A CPU-only, portless spec with a fresh task id; override what the test is about. */
export function taskSpec(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    taskId: randomUUID(),
    attempt: 1,
    workloadId: "wl-test",
    name: "worker-0",
    image: "corral-test/busybox:1",
    command: [],
    env: {},
    cpuMilli: 0,
    memoryMiB: 0,
    gpuUuids: [],
    ports: [],
    stopGraceSec: 10,
    ...overrides,
  };
}
