import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Reconciler, type TaskStatus } from "../../../agent/reconciler";
import { FakeRuntime } from "../../../agent/runtime/fake-runtime";
import type { TaskSpec } from "../../../agent/runtime/runtime";
import { DesiredRecord } from "../../../agent/state/desired-record";
import { testLogger } from "../../helpers/logger";

const spec = (taskId: string): TaskSpec => ({
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
  stopGraceSec: 2,
});

/** The hub's `Drain` (after the delta that evicted the tasks): stop them now, say why. */
describe("agent reconciler: drain", () => {
  it("stops the tasks the hub no longer wants, each within its grace, reporting the drain's reason", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-drain-"));
    const runtime = new FakeRuntime({ nodeId: "n" });
    const graces: number[] = [];
    const stop = runtime.stop.bind(runtime);
    runtime.stop = (id, grace) => {
      graces.push(grace);
      return stop(id, grace);
    };
    const reports: TaskStatus[] = [];
    const r = new Reconciler(runtime, new DesiredRecord(dir), (s) => reports.push(s), {
      keepExitedMs: 3_600_000,
      keepExitedMax: 100,
      logger: testLogger(),
    });
    await r.setDesired([spec("evicted"), spec("daemon")]);
    // As the messages arrive: the delta (not awaited by the link), then Drain.
    void r.applyDelta([], [{ taskId: "evicted", attempt: 1 }]);
    await r.drain("kernel upgrade");

    const live = runtime.containers().filter((c) => c.state !== "exited");
    assert.deepEqual(
      live.map((c) => c.taskId),
      ["daemon"],
      "a task the hub still wants keeps running",
    );
    const stops = reports.filter((s) => s.taskId === "evicted" && s.state === "stopped");
    assert.ok(stops.length > 0);
    for (const s of stops) assert.equal(s.message, "node drained: kernel upgrade");
    assert.deepEqual(graces, [2], "the task's own stop grace");

    // After the drain, a later stop is an ordinary one again.
    await r.applyDelta([], [{ taskId: "daemon", attempt: 1 }]);
    assert.equal(reports.find((s) => s.taskId === "daemon" && s.state === "stopped")?.message, "");
  });
});
