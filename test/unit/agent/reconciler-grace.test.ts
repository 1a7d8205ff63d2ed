import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Reconciler } from "../../../agent/reconciler";
import { FakeRuntime } from "../../../agent/runtime/fake-runtime";
import type { TaskSpec } from "../../../agent/runtime/runtime";
import { DesiredRecord } from "../../../agent/state/desired-record";
import type { StopGraces } from "../../../agent/stop-graces";
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

/** Each task container is stopped within the grace of its own attempt. */
describe("agent reconciler: stop grace", () => {
  let dir: string;
  let runtime: FakeRuntime;
  /** `taskId/attempt grace`, one per runtime.stop() call. */
  let stops: string[];
  const make = () =>
    new Reconciler(runtime, new DesiredRecord(dir), () => undefined, {
      keepExitedMs: 3_600_000,
      keepExitedMax: 100,
      logger: testLogger(),
    });
  /** The reconciler's graces: their count is the only trace a leak leaves. */
  const gracesOf = (r: Reconciler) => (r as unknown as { graces: StopGraces }).graces;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-grace-"));
    runtime = new FakeRuntime({ nodeId: "n" });
    stops = [];
    const stop = runtime.stop.bind(runtime);
    runtime.stop = async (id, grace) => {
      const c = runtime.containers().find((x) => x.containerId === id);
      stops.push(`${c?.taskId}/${c?.attempt} ${grace}`);
      return stop(id, grace);
    };
  });

  it("stops a replaced attempt with its own grace and keeps its successor's", async () => {
    const r = make();
    await r.setDesired([spec("a", { stopGraceSec: 30 })]);
    await r.applyDelta([spec("a", { attempt: 2, stopGraceSec: 5 })], [{ taskId: "a", attempt: 1 }]);
    await r.applyDelta([], [{ taskId: "a", attempt: 2 }]);
    assert.deepEqual(stops, ["a/1 30", "a/2 5"]);
  });

  it("after a restart, stops a task the hub no longer wants with the grace its record held", async () => {
    await make().setDesired([spec("a", { stopGraceSec: 7 })]);
    const restarted = make();
    await restarted.setDesired([]);
    assert.deepEqual(stops, ["a/1 7"]);
  });

  it("forgets the grace of attempts that stopped or exited by themselves", async () => {
    const r = make();
    const batch = [1, 2, 3].map((i) => spec(`b${i}`, { env: { FAKE_RUN_FOR_MS: "0" } }));
    await r.setDesired([spec("svc"), ...batch]);
    // The batch containers exit by themselves (a timer of 0 ms in the fake runtime).
    while (runtime.containers().some((c) => c.taskId !== "svc" && c.state !== "exited"))
      await new Promise((resolve) => setTimeout(resolve, 1));
    await r.applyDelta(
      [],
      [{ taskId: "svc", attempt: 1 }, ...batch.map((t) => ({ taskId: t.taskId, attempt: 1 }))],
    );
    assert.deepEqual(stops, ["svc/1 1"]);
    assert.equal(gracesOf(r).size, 0);
  });
});
