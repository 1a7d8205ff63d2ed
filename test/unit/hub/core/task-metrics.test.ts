import assert from "node:assert/strict";
import { createCore, type Core } from "../../../../hub/core/index";
import type { NodeMetrics, Task } from "../../../../hub/core/model";
import type { Store } from "../../../../hub/core/repositories";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock, OPTIONS, gpus, hardware, readyNode, role } from "./harness";

const MINUTE = 60_000;
const gpuMetrics = (util: [number, number], memory: [number, number]): NodeMetrics["gpus"] =>
  [0, 1].map((i) => ({
    uuid: `GPU-${i}`,
    utilizationPercent: util[i] ?? null,
    memoryUtilizationPercent: null,
    memoryUsedMiB: memory[i] ?? null,
    temperatureC: null,
    powerWatts: null,
  }));

describe("core per-task metrics history (one-minute points)", () => {
  let h: { core: Core; clock: FakeClock; store: Store };
  let nodeId: string;
  let task: Task;
  const beat = (cpuPercent: number, memoryUsedMiB: number, gpu = gpuMetrics([0, 0], [0, 0])) =>
    h.core.taskMetrics.record(nodeId, [{ taskId: task.id, cpuPercent, memoryUsedMiB }], gpu);
  const stored = () => h.store.taskMetrics.range(task.id, 0, Number.MAX_SAFE_INTEGER);

  beforeEach(() => {
    const store = openSqliteStore(":memory:");
    const clock = new FakeClock();
    h = { core: createCore(store, clock, OPTIONS), clock, store };
    // Start on a minute boundary so each test reads as whole minutes.
    h.clock.advance(MINUTE - (h.clock.now() % MINUTE));
    nodeId = readyNode(h.core, "g1", { hw: hardware({ gpus: gpus(2) }) }).id;
    const { workload } = h.core.workloads.submit({
      name: "train",
      owner: "alice",
      roles: [role({ resources: { cpuMilli: 0, memoryMiB: 0, gpu: 2 } })],
    });
    h.core.placement.runOnce();
    task = h.core.workloads.tasks(workload.id)[0] as Task;
    assert.deepEqual(task.gpuUuids, ["GPU-0", "GPU-1"]);
  });
  afterEach(() => h.store.close());

  it("keeps the mean of each minute's heartbeats, GPU values over the task's own GPUs", () => {
    beat(100, 1000, gpuMetrics([50, 100], [1000, 2000]));
    h.clock.advance(20_000);
    beat(200, 3000, gpuMetrics([70, 80], [3000, 4000]));
    h.clock.advance(MINUTE);
    beat(50, 500);
    const points = h.core.taskMetrics.history(task.id);
    assert.equal(points.length, 2);
    const [first, second] = points;
    assert.equal(first?.cpuPercent, 150);
    assert.equal(first?.memoryMiB, 2000);
    assert.equal(first?.gpuUtilPercent, 75); // mean of (75, 75)
    assert.equal(first?.gpuMemoryMiB, 5000); // mean of sums 3000 and 7000
    assert.equal(first?.samples, 2);
    assert.equal(second?.at, (first?.at ?? 0) + MINUTE);
    assert.equal(second?.cpuPercent, 50);
  });

  it("writes nothing per heartbeat: finished minutes go to the store in flush()", () => {
    beat(10, 100);
    beat(20, 200);
    assert.deepEqual(stored(), [], "no write per heartbeat");
    assert.equal(h.core.taskMetrics.flush(), 0, "the minute is not over yet");
    h.clock.advance(MINUTE);
    assert.equal(h.core.taskMetrics.flush(), 1);
    assert.equal(stored().length, 1);
    assert.equal(stored()[0]?.cpuPercent, 15);
  });

  it("merges a minute written at shutdown with later samples of the same minute", () => {
    beat(10, 100);
    h.core.taskMetrics.flush(true);
    beat(40, 400);
    h.core.taskMetrics.flush(true);
    const [p] = stored();
    assert.equal(p?.samples, 2);
    assert.equal(p?.cpuPercent, 25);
    assert.equal(p?.gpuUtilPercent, 0);
  });

  it("reads a range, and forgets points past the retention (7 days by default)", () => {
    beat(10, 100);
    h.clock.advance(MINUTE);
    beat(20, 200);
    h.clock.advance(MINUTE);
    h.core.taskMetrics.flush();
    const start = h.clock.now() - 2 * MINUTE;
    assert.equal(h.core.taskMetrics.history(task.id, { from: start, to: start + MINUTE }).length, 1);
    assert.equal(h.core.taskMetrics.history(task.id, { from: start }).length, 2);
    h.clock.advance(7 * 24 * 60 * MINUTE);
    assert.deepEqual(h.core.taskMetrics.history(task.id, { from: 0 }), []);
    h.core.taskMetrics.flush();
    assert.deepEqual(stored(), [], "pruned from the store");
  });

  it("reports no GPU values for a task without GPUs", () => {
    const { workload } = h.core.workloads.submit({ name: "cpu", owner: "alice", roles: [role()] });
    h.core.placement.runOnce();
    const cpu = h.core.workloads.tasks(workload.id)[0] as Task;
    h.core.taskMetrics.record(
      nodeId,
      [{ taskId: cpu.id, cpuPercent: 5, memoryUsedMiB: 5 }],
      gpuMetrics([90, 90], [1, 1]),
    );
    const [p] = h.core.taskMetrics.history(cpu.id);
    assert.equal(p?.gpuUtilPercent, null);
    assert.equal(p?.gpuMemoryMiB, null);
  });
});
