/** TaskSpec factory shared by the runtime tests (not a test file itself). */
import { randomUUID } from "node:crypto";
import type { TaskSpec } from "../../../../agent/runtime/runtime.js";

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

/** Polls `probe` every 20 ms until it returns a value other than undefined; rejects after `ms`. */
export async function waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
