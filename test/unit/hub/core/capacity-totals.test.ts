import assert from "node:assert/strict";
import { nodeCapacity } from "../../../../hub/core/capacity";
import type { Core } from "../../../../hub/core";
import type { Node, Resources } from "../../../../hub/core/model";
import { gpus, hardware, newCore, readyNode, type Harness } from "./harness";

/** The sums core.capacity must answer, worked out the slow way. */
function bruteForce(core: Core, poolId?: string): Resources {
  const pools = core.nodePools.list();
  const total: Resources = { cpuMilli: 0, memoryMiB: 0, gpu: 0 };
  for (const n of core.nodes.list()) {
    if (poolId !== undefined && core.nodePools.poolOf(n, pools).id !== poolId) continue;
    const c = nodeCapacity(n);
    total.cpuMilli += c.cpuMilli;
    total.memoryMiB += c.memoryMiB;
    total.gpu += c.gpu;
  }
  return total;
}

const helloWith = (core: Core, node: Node, hw = node.hardware ?? hardware()) =>
  core.nodes.hello(node.id, {
    agentVersion: node.agentVersion,
    address: node.address,
    labels: [],
    hardware: hw,
    runtime: node.runtime ?? { name: "docker", available: true, error: null, version: "27" },
  });

/**
 * core.capacity (core/capacity-totals.ts) keeps its sums until NodeService.capacityVersion moves:
 * liveness must not move it (issue 15: a restart flips every node), and everything that changes
 * what the nodes offer, or in which pool, must.
 */
describe("core: capacity totals follow what nodes offer, not their liveness", () => {
  let h: Harness;
  let a: Node;

  beforeEach(() => {
    h = newCore();
    a = readyNode(h.core, "a", { hw: hardware({ cores: 8, memoryMiB: 16384, gpus: gpus(2) }) });
    readyNode(h.core, "b", { hw: hardware({ cores: 4, memoryMiB: 8192 }) });
  });
  afterEach(() => h.store.close());

  it("a status, a heartbeat, a metrics sample, a cordon or taints leave the capacity version alone", () => {
    const nodes = h.core.nodes;
    const still = nodes.capacityVersion;
    nodes.setStatus(a.id, "notready");
    nodes.setStatus(a.id, "ready");
    h.clock.advance(1000);
    nodes.touch(a.id);
    nodes.recordMetrics(a.id, { cpuPercent: 5, memoryUsedMiB: 1, load1: 0, gpus: [], sampledAt: 1 });
    nodes.setSchedulable(nodes.byId(a.id), false);
    nodes.setTaints(nodes.byId(a.id), [{ key: "k", value: "v", effect: "NoSchedule" }]);
    helloWith(h.core, nodes.byId(a.id)); // the same hardware again (every reconnect)
    assert.equal(nodes.capacityVersion, still);
    assert.deepEqual(h.core.capacity.cluster(), { cpuMilli: 12_000, memoryMiB: 24_576, gpu: 2 });
  });

  it("a join, a hardware change, labels and a removal move it, and the totals follow", () => {
    const nodes = h.core.nodes;
    const pool = h.core.nodePools.create("fast", ["tier=fast"]);
    const defaultPool = h.core.nodePools.defaultPool().id;
    const check = (what: string) => {
      assert.deepEqual(h.core.capacity.cluster(), bruteForce(h.core), `${what}: cluster`);
      assert.deepEqual(h.core.capacity.ofPool(pool.id), bruteForce(h.core, pool.id), `${what}: pool`);
      assert.deepEqual(
        h.core.capacity.ofPool(defaultPool),
        bruteForce(h.core, defaultPool),
        `${what}: default`,
      );
    };
    check("at first");
    assert.deepEqual(h.core.capacity.ofPool(pool.id), { cpuMilli: 0, memoryMiB: 0, gpu: 0 });
    const changes: [string, () => void][] = [
      ["a join with a Hello", () => void readyNode(h.core, "c", { hw: hardware({ cores: 16 }) })],
      ["more GPUs", () => void helloWith(h.core, nodes.byId(a.id), hardware({ cores: 8, gpus: gpus(4) }))],
      ["more memory", () => void helloWith(h.core, nodes.byId(a.id), hardware({ cores: 8, memoryMiB: 1 }))],
      ["a label that moves it to a pool", () => void nodes.addLabel(nodes.byId(a.id), "tier=fast")],
      ["the label removed", () => void nodes.removeLabel(nodes.byId(a.id), "tier=fast")],
      ["a removal", () => void nodes.remove(nodes.get("b"))],
      ["a removed node back", () => void nodes.join("default", "b")],
    ];
    for (const [what, change] of changes) {
      const before = nodes.capacityVersion;
      change();
      assert.ok(nodes.capacityVersion > before, `${what} moves capacityVersion`);
      check(what);
    }
  });

  it("a pool's new selector moves nodes between the pools' totals", () => {
    const nodes = h.core.nodes;
    nodes.addLabel(nodes.byId(a.id), "zone=x");
    const pool = h.core.nodePools.create("x", ["zone=y"]);
    assert.equal(h.core.capacity.ofPool(pool.id).gpu, 0);
    h.core.nodePools.update(pool, { labelSelector: ["zone=x"] });
    assert.deepEqual(h.core.capacity.ofPool(pool.id), { cpuMilli: 8000, memoryMiB: 16384, gpu: 2 });
    assert.deepEqual(h.core.capacity.ofPool(h.core.nodePools.defaultPool().id), {
      cpuMilli: 4000,
      memoryMiB: 8192,
      gpu: 0,
    });
    h.core.nodePools.remove(h.core.nodePools.get("x"));
    assert.deepEqual(h.core.capacity.ofPool(h.core.nodePools.defaultPool().id), bruteForce(h.core));
  });

  it("answers copies: a caller adding to one does not change the next answer", () => {
    const first = h.core.capacity.cluster();
    first.gpu += 100;
    assert.equal(h.core.capacity.cluster().gpu, 2);
  });
});
