import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Reconciler, type TaskStatus } from "../../../agent/reconciler";
import { FakeRuntime } from "../../../agent/runtime/fake-runtime";
import type { TaskSpec } from "../../../agent/runtime/runtime";
import { DesiredRecord } from "../../../agent/state/desired-record";
import { testLogger } from "../../helpers/logger";

const spec = (taskId: string, over: Partial<TaskSpec> = {}): TaskSpec => ({
  taskId,
  attempt: 1,
  workloadId: "w",
  name: taskId,
  image: "fake",
  command: [],
  env: { FAKE_RUN_FOR_MS: "-1" },
  cpuMilli: 0,
  memoryMiB: 0,
  gpuUuids: [],
  ports: [],
  stopGraceSec: 1,
  ...over,
});

describe("agent reconciler", () => {
  let dir: string;
  let runtime: FakeRuntime;
  let reports: TaskStatus[];
  const make = () =>
    new Reconciler(runtime, new DesiredRecord(dir), (s) => reports.push(s), {
      keepExitedMs: 3_600_000,
      keepExitedMax: 100,
      logger: testLogger(),
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-reconciler-"));
    runtime = new FakeRuntime({ nodeId: "n" });
    reports = [];
  });

  it("starts desired tasks once, however often it is asked", async () => {
    const r = make();
    await r.setDesired([spec("a"), spec("b")]);
    await Promise.all([r.reconcile(), r.reconcile(), r.setDesired([spec("a"), spec("b")])]);
    assert.equal(runtime.containers().length, 2);
    assert.ok(reports.some((s) => s.taskId === "a" && s.state === "running"));
  });

  it("stops and removes a task that leaves the desired set, reporting it stopped", async () => {
    const r = make();
    await r.setDesired([spec("a")]);
    await r.applyDelta([], [{ taskId: "a", attempt: 1 }]);
    assert.equal(runtime.containers().length, 0);
    assert.ok(reports.some((s) => s.taskId === "a" && s.state === "stopped"));
  });

  it("keeps a task's named volumes when it stops; its next attempt finds the same volume", async () => {
    const r = make();
    const volumes = [{ name: "work", mountPath: "/work" }];
    await r.setDesired([spec("nb", { workloadId: "w1", volumes })]);
    await r.applyDelta([], [{ taskId: "nb", attempt: 1 }]);
    assert.equal(runtime.containers().length, 0, "container removed");
    const kept = runtime.volumes();
    assert.deepEqual(kept, [
      {
        name: "corral-nb-work",
        labels: { "corral.node": "n", "corral.task": "nb", "corral.workload": "w1", "corral.volume": "work" },
      },
    ]);
    await r.applyDelta([spec("nb", { workloadId: "w1", attempt: 2, volumes })], []);
    assert.equal(runtime.containers()[0]?.attempt, 2);
    assert.deepEqual(runtime.volumes(), kept, "the same volume, not a second one");
  });

  it("replaces an old attempt with the new one", async () => {
    const r = make();
    await r.setDesired([spec("a")]);
    await r.applyDelta([spec("a", { attempt: 2 })], []);
    const live = runtime.containers().filter((c) => c.state === "running");
    assert.deepEqual(
      live.map((c) => c.attempt),
      [2],
    );
  });

  it("never stops a container on the word of its local record alone (before the hub's Welcome)", async () => {
    await make().setDesired([spec("a")]);
    fs.rmSync(path.join(dir, "desired.json"));
    const restarted = make();
    await restarted.reconcile();
    assert.equal(runtime.containers().filter((c) => c.state === "running").length, 1);
  });

  it("restarts from its record what should be running while the hub is away", async () => {
    await make().setDesired([spec("a")]);
    for (const c of runtime.containers()) await runtime.remove(c.containerId);
    const restarted = make();
    await restarted.reconcile();
    assert.equal(runtime.containers().length, 1, "started again from desired.json");
  });

  it("refuses to hand one GPU to two tasks and reports why", async () => {
    const r = make();
    await r.setDesired([spec("a", { gpuUuids: ["GPU-1"] }), spec("b", { gpuUuids: ["GPU-1"] })]);
    assert.equal(runtime.containers().length, 1);
    const refused = reports.find((s) => s.taskId === "b" && s.state === "failed");
    assert.match(refused?.message ?? "", /GPU-1/);
  });

  it("reports a start failure once and lists it in the statuses for the next Hello", async () => {
    const r = make();
    await r.setDesired([spec("a", { env: { FAKE_START_ERROR: "no such image" } })]);
    await r.reconcile();
    assert.equal(reports.filter((s) => s.taskId === "a" && s.state === "failed").length, 1);
    const statuses = await r.statuses();
    assert.ok(statuses.some((s) => s.taskId === "a" && s.state === "failed"));
  });
});
