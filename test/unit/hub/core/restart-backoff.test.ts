import assert from "node:assert/strict";
import type { Node, Task, Workload } from "../../../../hub/core/model";
import { newCore, readyNode, report, role, type Harness } from "./harness";

describe("core crash-loop back-off of service tasks", () => {
  let h: Harness;
  let node: Node;
  let w: Workload;

  beforeEach(() => {
    h = newCore(); // default back-off: 10 s, doubling to 5 min, cleared after 10 min of running
    node = readyNode(h.core, "n1");
    w = h.core.workloads.submit({ name: "svc", owner: "alice", kind: "service", roles: [role()] }).workload;
  });
  afterEach(() => h.store.close());

  const task = (): Task => h.core.workloads.tasks(w.id)[0] as Task;
  /** Places the task, runs it for `ranMs`, then makes it exit 1. */
  const crashAfter = (ranMs: number) => {
    assert.equal(h.core.placement.runOnce(), 1, "placed");
    const t = task();
    h.core.lifecycle.applyReport(
      node.id,
      report(t.id, { attempt: t.attempt, state: "running", startedAt: h.clock.now() }),
    );
    h.clock.advance(ranMs);
    h.core.lifecycle.applyReport(
      node.id,
      report(t.id, { attempt: t.attempt, state: "failed", exitCode: 1, finishedAt: h.clock.now() }),
    );
  };

  it("waits 10 s, then 20 s, then 40 s between quick restarts, saying so", () => {
    crashAfter(1_000);
    assert.equal(task().state, "pending");
    assert.match(task().reason ?? "", /restarting in 10s \(crash-loop back-off\)/);
    assert.equal(h.core.placement.runOnce(), 0, "not before the back-off ends");
    h.clock.advance(9_999);
    assert.equal(h.core.placement.runOnce(), 0);
    h.clock.advance(1);
    crashAfter(1_000);
    assert.equal(task().backoffMs, 20_000);
    h.clock.advance(20_000);
    crashAfter(1_000);
    assert.equal(task().backoffMs, 40_000);
    assert.equal(task().attempt, 4);
  });

  it("asks for a scheduling pass through the clock when the back-off is over, not before", () => {
    const asked: string[] = [];
    h.core.signals.schedulingNeeded.on((why) => asked.push(why));
    crashAfter(1_000);
    const t = task();
    asked.length = 0;
    h.clock.advance(9_999);
    assert.deepEqual(asked, [], "nothing during the back-off");
    h.clock.advance(1);
    assert.deepEqual(asked, [`task ${t.id} back-off over`]);
  });

  it("caps the back-off at 5 minutes", () => {
    for (let i = 0; i < 8; i++) {
      crashAfter(100);
      h.clock.advance(task().backoffMs);
    }
    assert.equal(task().backoffMs, 300_000);
  });

  it("restarts at once after a long healthy run, and starts the back-off over", () => {
    crashAfter(1_000);
    h.clock.advance(10_000);
    crashAfter(10 * 60_000);
    assert.equal(task().retryAt, null);
    assert.equal(task().backoffMs, 0);
    crashAfter(1_000);
    assert.equal(task().backoffMs, 10_000);
  });

  it("never delays batch retries", () => {
    const batch = h.core.workloads.submit({
      name: "b",
      owner: "alice",
      roles: [role({ maxAttempts: 3 })],
    }).workload;
    h.core.placement.runOnce();
    const t = h.core.workloads.tasks(batch.id)[0] as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id, { state: "failed", exitCode: 1 }));
    const again = h.core.workloads.tasks(batch.id)[0] as Task;
    assert.equal(again.retryAt, null);
    assert.equal(h.core.placement.runOnce() >= 1, true);
  });
});
