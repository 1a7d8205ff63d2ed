import assert from "node:assert/strict";
import { ValidationError } from "../../../../hub/core/errors";
import { createCore, type Core } from "../../../../hub/core/index";
import type { Node } from "../../../../hub/core/model";
import type { Store } from "../../../../hub/core/repositories";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock, OPTIONS, readyNode, report, role } from "./harness";

/** A batch workload's time limit (ModelArts auto_stop): stopped that long after submission. */
describe("core batch workloads: time limit", () => {
  let store: Store;
  let clock: FakeClock;
  let core: Core;
  let n1: Node;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    clock = new FakeClock();
    core = createCore(store, clock, OPTIONS);
    n1 = readyNode(core, "n1");
  });
  afterEach(() => store.close());

  it("stops a running batch workload when its time limit is over, not before", () => {
    const { workload } = core.workloads.submit({
      name: "train",
      owner: "a",
      roles: [role()],
      timeLimitMs: 60_000,
    });
    assert.equal(workload.lease?.durationMs, 60_000);
    core.placement.runOnce();
    const t = core.workloads.tasks(workload.id)[0]!;
    assert.equal(t.nodeId, n1.id);
    core.lifecycle.applyReport(n1.id, report(t.id, { attempt: 1, startedAt: clock.now() }));
    clock.advance(59_999);
    assert.equal(core.workloads.resolve(workload.id).ending, null);
    clock.advance(1);
    assert.equal(core.workloads.resolve(workload.id).ending, "stop");
    assert.ok(core.workloads.events(workload.id).some((e) => e.reason === "LeaseExpired"));
  });

  it("takes a time limit only on batch work, and a positive one", () => {
    for (const kind of ["interactive", "service"] as const) {
      assert.throws(
        () => core.workloads.submit({ name: kind, owner: "a", kind, roles: [role()], timeLimitMs: 1_000 }),
        (e: unknown) => e instanceof ValidationError && e.field === "timeLimit",
      );
    }
    assert.throws(
      () => core.workloads.submit({ name: "zero", owner: "a", roles: [role()], timeLimitMs: 0 }),
      (e: unknown) => e instanceof ValidationError && e.field === "timeLimit",
    );
  });
});
