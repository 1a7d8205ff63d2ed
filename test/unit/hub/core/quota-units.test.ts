import assert from "node:assert/strict";
import { ConflictError, QuotaBelowUseError } from "../../../../hub/core/errors";
import type { QuotaAllocation } from "../../../../hub/core/model";
import { NO_QUOTA, type NameGrammar } from "../../../../hub/core/quota-units";
import { gpus, hardware, newCore, readyNode, report, role, type Harness } from "./harness";

/** `gpu` GPUs, 4 cores and 4 GiB deserved in `pool`. */
const alloc = (pool: string, gpu: number): QuotaAllocation => ({
  nodePoolId: pool,
  gpu: { deserved: gpu, limit: null, overQuotaWeight: 1 },
  cpuMilli: { deserved: 4000, limit: null, overQuotaWeight: 1 },
  memoryMiB: { deserved: 4096, limit: null, overQuotaWeight: 1 },
});

/** Names of lowercase letters and '-' only, spelled by replacing the rest and numbering clashes. */
const KEBAB: NameGrammar = {
  accepts: (n) => /^[a-z-]+$/.test(n),
  spell: (n, attempt) => n.toLowerCase().replace(/[^a-z-]+/g, "-") + "-x".repeat(attempt),
};

describe("core quota units", () => {
  let h: Harness;
  let pool = "";

  beforeEach(() => {
    h = newCore();
    readyNode(h.core, "g1", { hw: hardware({ cores: 16, memoryMiB: 65536, gpus: gpus(4) }) });
    pool = h.core.nodePools.defaultPool().id;
  });
  afterEach(() => h.store.close());

  /** A workload of `n` 1-GPU tasks in `unitId`, placed by one scheduler pass. */
  const place = (unitId: string, n: number, preemptible: boolean) => {
    const { workload } = h.core.workloads.submit({
      name: `w-${preemptible ? "p" : "np"}-${n}`,
      owner: "alice",
      roles: [role({ instances: n, resources: { cpuMilli: 500, memoryMiB: 256, gpu: 1 } })],
      quotaUnitId: unitId,
      preemptible,
    });
    h.core.placement.runOnce();
    assert.equal(
      h.core.workloads.tasks(workload.id).filter((t) => t.state === "assigned").length,
      n,
      "placed",
    );
    return workload;
  };

  it("refuses to lower deserved quota below the non-preemptible work placed now, on any save", () => {
    const unit = h.core.quotaUnits.create({ name: "team", kind: "business", allocations: [alloc(pool, 3)] });
    place(unit.id, 2, false);
    place(unit.id, 1, true);
    const err = (() => {
      try {
        h.core.quotaUnits.save({ ...unit, allocations: [alloc(pool, 1)] });
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(err instanceof QuotaBelowUseError, String(err));
    assert.deepEqual([err.resource, err.deserved, err.used, err.nodePoolName], ["gpu", 1, 2, "default"]);
    assert.equal(h.core.quotaUnits.get(unit.id).allocations[0]?.gpu.deserved, 3, "nothing saved");
    // Down to what non-preemptible work holds is fine (the preemptible task does not count).
    h.core.quotaUnits.save({ ...unit, allocations: [alloc(pool, 2)] });
    // A pool the unit leaves entirely counts as deserved 0.
    assert.throws(() => h.core.quotaUnits.save({ ...unit, allocations: [] }), QuotaBelowUseError);
    // Derived saves (recomputed shares) are not requests to lower quota.
    h.core.quotaUnits.saveDerived({ ...unit, allocations: [{ ...alloc(pool, 0), gpu: NO_QUOTA }] });
    assert.equal(h.core.quotaUnits.get(unit.id).allocations[0]?.gpu.deserved, 0);
  });

  it("lets quota go below use once the work no longer holds its resources", () => {
    const unit = h.core.quotaUnits.create({ name: "team", kind: "project", allocations: [alloc(pool, 2)] });
    const w = place(unit.id, 2, false);
    assert.throws(
      () => h.core.quotaUnits.save({ ...unit, allocations: [alloc(pool, 0)] }),
      QuotaBelowUseError,
    );
    h.core.workloads.stop(w);
    for (const t of h.core.workloads.tasks(w.id))
      h.core.lifecycle.applyReport(t.nodeId ?? "", report(t.id, { state: "stopped", finishedAt: 1 }));
    assert.ok(h.core.workloads.tasks(w.id).every((t) => t.state === "stopped"));
    h.core.quotaUnits.save({ ...unit, allocations: [alloc(pool, 0)] });
  });

  it("keeps names unique among the units a face lists together, and aliases among everything", () => {
    h.core.quotaUnits.create({ name: "team-a", kind: "project" });
    assert.throws(() => h.core.quotaUnits.create({ name: "team-a", kind: "business" }), ConflictError);
    h.core.quotaUnits.create({ name: "team-a", kind: "department" });
    const upper = h.core.quotaUnits.create({ name: "Team_A", kind: "business" });
    assert.equal(h.core.quotaUnits.faceName(upper, KEBAB), "team-a-x", "team-a is taken by the project");
    assert.equal(h.core.quotaUnits.faceName(h.core.quotaUnits.get(upper.id), KEBAB), "team-a-x", "stable");
    assert.deepEqual(h.core.quotaUnits.get(upper.id).aliases, ["team-a-x"]);
    assert.equal(h.core.quotaUnits.byFaceName("team-a-x", new Set(["business"]))?.id, upper.id);
    assert.throws(() => h.core.quotaUnits.create({ name: "team-a-x", kind: "workspace" }), ConflictError);
  });

  it("schedules by the typed fields: a higher rank gets idle GPUs first; default pools from the parent", () => {
    const small = h.core.nodePools.create("small", ["pool=small"]);
    readyNode(h.core, "s1", { labels: ["pool=small"], hw: hardware({ cores: 16, gpus: gpus(1, "S-") }) });
    const low = h.core.quotaUnits.create({ name: "low", kind: "business", allocations: [alloc(pool, 0)] });
    const high = h.core.quotaUnits.create({
      name: "high",
      kind: "business",
      allocations: [alloc(pool, 0)],
      ranks: { [pool]: 2 },
    });
    const dept = h.core.quotaUnits.create({ name: "d", kind: "department", defaultNodePools: [small.id] });
    const child = h.core.quotaUnits.create({ name: "c", kind: "project", parentId: dept.id });
    const submit = (name: string, unitId: string, n: number, nodePoolId: string | null) =>
      h.core.workloads.submit({
        name,
        owner: "alice",
        roles: [role({ instances: n, resources: { cpuMilli: 100, memoryMiB: 64, gpu: 1 } })],
        quotaUnitId: unitId,
        nodePoolId,
        preemptible: true,
      }).workload;
    const a = submit("a", low.id, 4, pool);
    const b = submit("b", high.id, 4, pool);
    const c = submit("c", child.id, 2, null);
    h.core.placement.runOnce();
    const placed = (id: string) => h.core.workloads.tasks(id).filter((t) => t.state === "assigned");
    assert.equal(placed(b.id).length, 4, "rank 2 takes the idle pool");
    assert.equal(placed(a.id).length, 0);
    assert.deepEqual(
      placed(c.id).map((t) => h.core.nodes.findById(t.nodeId ?? "")?.name),
      ["s1"],
      "the department's default pool, and nowhere else",
    );
  });
});
