import assert from "node:assert/strict";
import { GpuConflictError, GpuLedger, gpuTaskKey } from "../../../../agent/runtime/gpu-ledger";
import type { TaskContainer } from "../../../../agent/runtime/runtime";

function container(taskId: string, state: TaskContainer["state"], gpuUuids: string[]): TaskContainer {
  return {
    taskId,
    attempt: 1,
    workloadId: "wl",
    containerId: `c-${taskId}`,
    state,
    exitCode: state === "exited" ? 0 : null,
    ip: null,
    ports: [],
    gpuUuids,
    startedAt: null,
    finishedAt: null,
    message: null,
  };
}

describe("GpuLedger", () => {
  it("never gives one GPU to two tasks, and names the holder", () => {
    const ledger = new GpuLedger();
    ledger.claim("a#1", ["GPU-0", "GPU-1"]);
    assert.throws(
      () => ledger.claim("b#1", ["GPU-2", "GPU-1"]),
      (err: unknown) => {
        assert.ok(err instanceof GpuConflictError);
        assert.equal(err.uuid, "GPU-1");
        assert.equal(err.holder, "a#1");
        assert.equal(err.claimant, "b#1");
        assert.match(err.message, /GPU-1.*a#1/);
        return true;
      },
    );
    // All or nothing: GPU-2 was not taken by the failed claim.
    assert.equal(ledger.holderOf("GPU-2"), undefined);
    ledger.claim("a#1", ["GPU-0"]); // re-claiming your own GPU is fine
    assert.deepEqual([...ledger.held()].sort(), [
      ["GPU-0", "a#1"],
      ["GPU-1", "a#1"],
    ]);
  });

  it("release() frees only that task's GPUs", () => {
    const ledger = new GpuLedger();
    ledger.claim("a#1", ["GPU-0"]);
    ledger.claim("b#1", ["MIG-x"]);
    ledger.release("a#1");
    ledger.release("nobody");
    assert.equal(ledger.holderOf("GPU-0"), undefined);
    assert.equal(ledger.holderOf("MIG-x"), "b#1");
    ledger.claim("c#1", ["GPU-0"]);
    assert.equal(ledger.holderOf("GPU-0"), "c#1");
  });

  it("held() is a copy", () => {
    const ledger = new GpuLedger();
    ledger.claim("a#1", ["GPU-0"]);
    ledger.held().clear();
    assert.equal(ledger.holderOf("GPU-0"), "a#1");
  });

  it("rebuild() takes GPUs of running and starting containers only, keyed by task and attempt", () => {
    const ledger = new GpuLedger();
    ledger.claim("stale#1", ["GPU-9"]);
    const conflicts = ledger.rebuild([
      container("t1", "running", ["GPU-0", "GPU-1"]),
      container("t2", "starting", ["GPU-2"]),
      container("t3", "exited", ["GPU-3"]),
    ]);
    assert.deepEqual(conflicts, []);
    assert.equal(ledger.holderOf("GPU-0"), gpuTaskKey("t1", 1));
    assert.equal(ledger.holderOf("GPU-2"), gpuTaskKey("t2", 1));
    assert.equal(ledger.holderOf("GPU-3"), undefined);
    assert.equal(ledger.holderOf("GPU-9"), undefined);
    assert.throws(() => ledger.claim("t4#1", ["GPU-1"]), GpuConflictError);
  });

  it("rebuild() keeps the first holder when reality already double-booked a GPU", () => {
    const ledger = new GpuLedger();
    const conflicts = ledger.rebuild([
      container("t1", "running", ["GPU-0"]),
      container("t2", "running", ["GPU-0"]),
    ]);
    assert.deepEqual(conflicts, [{ uuid: "GPU-0", holder: "t1#1", other: "t2#1" }]);
    assert.equal(ledger.holderOf("GPU-0"), "t1#1");
  });
});
