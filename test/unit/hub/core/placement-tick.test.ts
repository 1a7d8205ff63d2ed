import assert from "node:assert/strict";
import { FULL_PASS_EVERY_MS } from "../../../../hub/core/placement";
import { hardware, newCore, readyNode, role, type Harness } from "./harness";

/** The scheduler's periodic tick: a pass only when something may let a waiting task be placed. */
describe("core placement tick", () => {
  let h: Harness;
  beforeEach(() => {
    h = newCore();
    readyNode(h.core, "small", { hw: hardware({ cores: 8 }) });
  });
  afterEach(() => h.store.close());

  const submitBig = () =>
    h.core.workloads.submit({
      name: "big",
      owner: "alice",
      roles: [role({ resources: { cpuMilli: 16_000, memoryMiB: 512, gpu: 0 } })],
    });

  it("skips while a backlog that fits nowhere waits and nothing changes", () => {
    const { tasks } = submitBig();
    assert.equal(h.core.placement.tick(), 0, "the submit asks for a pass");
    assert.match(h.store.tasks.byId(tasks[0]?.id ?? "")?.reason ?? "", /insufficient cpu/);
    for (let i = 0; i < 5; i++) {
      h.clock.advance(5_000);
      assert.equal(h.core.placement.tick(), null, `tick ${i} after nothing changed`);
    }
  });

  it("runs a pass after a node becomes ready, and places what now fits", () => {
    const { tasks } = submitBig();
    h.core.placement.tick();
    assert.equal(h.core.placement.tick(), null);
    readyNode(h.core, "big", { hw: hardware({ cores: 32 }) });
    assert.equal(h.core.placement.tick(), 1);
    assert.equal(h.store.tasks.byId(tasks[0]?.id ?? "")?.state, "assigned");
  });

  it("runs a pass when a node's runtime comes back in a hello, which signals nothing", () => {
    const node = h.core.nodes.list()[0];
    assert.ok(node);
    const hello = (available: boolean) =>
      h.core.nodes.hello(node.id, {
        agentVersion: "0.1.0",
        address: "10.0.0.1",
        labels: [],
        hardware: hardware({ cores: 8 }),
        runtime: { name: "docker", available, error: available ? null : "down", version: "24.0" },
      });
    hello(false);
    const { tasks } = h.core.workloads.submit({ name: "small", owner: "alice", roles: [role()] });
    assert.equal(h.core.placement.tick(), 0);
    assert.match(h.store.tasks.byId(tasks[0]?.id ?? "")?.reason ?? "", /working container runtime/);
    assert.equal(h.core.placement.tick(), null);
    hello(true);
    assert.equal(h.core.placement.tick(), 1);
  });

  it("runs a pass when a stopped workload's assigned task frees its node, which signals nothing", () => {
    const job = (name: string) =>
      h.core.workloads.submit({
        name,
        owner: "alice",
        roles: [role({ resources: { cpuMilli: 8000, memoryMiB: 512, gpu: 0 } })],
      });
    const first = job("first");
    assert.equal(h.core.placement.tick(), 1);
    const second = job("second");
    assert.equal(h.core.placement.tick(), 0);
    assert.equal(h.core.placement.tick(), null, "the pass's own placements ask for nothing more");
    h.core.workloads.stop(first.workload);
    assert.equal(h.store.tasks.byId(first.tasks[0]?.id ?? "")?.state, "stopped");
    assert.equal(h.core.placement.tick(), 1);
    assert.equal(h.store.tasks.byId(second.tasks[0]?.id ?? "")?.state, "assigned");
  });

  it("runs a full pass at least every FULL_PASS_EVERY_MS, signalled or not", () => {
    submitBig();
    h.core.placement.tick();
    h.clock.advance(FULL_PASS_EVERY_MS - 1);
    assert.equal(h.core.placement.tick(), null);
    h.clock.advance(1);
    assert.equal(h.core.placement.tick(), 0);
  });

  it("runs when a skipped task's back-off ends, without a signal", () => {
    const { tasks } = h.core.workloads.submit({ name: "small", owner: "alice", roles: [role()] });
    const t = tasks[0];
    assert.ok(t);
    h.store.tasks.update({ ...t, retryAt: h.clock.now() + 10_000 });
    assert.equal(h.core.placement.tick(), 0, "in back-off: skipped by the pass");
    h.clock.advance(5_000);
    assert.equal(h.core.placement.tick(), null);
    h.clock.advance(5_000);
    assert.equal(h.core.placement.tick(), 1);
  });
});
