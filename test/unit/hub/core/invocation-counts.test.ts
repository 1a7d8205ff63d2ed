import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newCore } from "./harness";

describe("unit: core invocation counts (coalesced writes)", () => {
  it("counts in memory, writes only on flush, and reads the totals back after a restart", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-invocations-"));
    const first = newCore(dir);
    for (let i = 0; i < 1000; i++) first.core.invocations.add("svc-1");
    first.core.invocations.add("svc-2", 5);
    assert.equal(first.core.invocations.get("svc-1"), 1000);
    assert.deepEqual(first.store.invocationCounts.list(), [], "nothing written before a flush");
    assert.equal(first.core.invocations.flush(), 2, "one row per target, not per call");
    assert.equal(first.core.invocations.flush(), 0, "nothing changed since");
    first.core.invocations.add("svc-1");
    first.core.invocations.flush();
    first.store.close();
    const second = newCore(dir);
    assert.equal(second.core.invocations.get("svc-1"), 1001);
    assert.equal(second.core.invocations.get("svc-2"), 5);
    second.core.invocations.forget("svc-2");
    assert.equal(second.core.invocations.get("svc-2"), 0);
    assert.deepEqual(
      second.store.invocationCounts.list().map((r) => r.targetId),
      ["svc-1"],
    );
    second.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
