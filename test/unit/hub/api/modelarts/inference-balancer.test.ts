import assert from "node:assert/strict";
import { WeightedBalancer } from "../../../../../hub/api/modelarts/inference-balancer";

describe("unit: ModelArts inference balancer (smooth weighted round robin)", () => {
  const pickMany = (
    b: WeightedBalancer,
    n: number,
    configs: { id: string; weight: number; instances: string[] }[],
  ) => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const p = b.pick("svc", configs);
      assert.ok(p);
      seen.set(p.instance, (seen.get(p.instance) ?? 0) + 1);
    }
    return Object.fromEntries(seen);
  };

  it("gives each config its weight's share, and each config's instances in turn", () => {
    const counts = pickMany(new WeightedBalancer(), 100, [
      { id: "a", weight: 80, instances: ["a1", "a2", "a3", "a4"] },
      { id: "b", weight: 20, instances: ["b1"] },
    ]);
    assert.deepEqual(counts, { a1: 20, a2: 20, a3: 20, a4: 20, b1: 20 });
  });

  it("interleaves rather than bursting: 70/30 never sends more than 3 in a row to one config", () => {
    const b = new WeightedBalancer();
    let run = 0;
    let last = "";
    for (let i = 0; i < 100; i++) {
      const p = b.pick("svc", [
        { id: "a", weight: 70, instances: ["a"] },
        { id: "b", weight: 30, instances: ["b"] },
      ])!;
      run = p.configId === last ? run + 1 : 1;
      last = p.configId;
      assert.ok(run <= 3, `run of ${run} at ${i}`);
    }
  });

  it("skips a config with no instance left (its share goes to the others) and answers undefined with none", () => {
    const b = new WeightedBalancer();
    const counts = pickMany(b, 10, [
      { id: "a", weight: 80, instances: [] },
      { id: "b", weight: 20, instances: ["b1"] },
    ]);
    assert.deepEqual(counts, { b1: 10 });
    assert.equal(b.pick("svc", [{ id: "a", weight: 100, instances: [] }]), undefined);
    // Only weight-0 configs have instances: they share evenly rather than refuse the call.
    assert.deepEqual(
      pickMany(new WeightedBalancer(), 4, [
        { id: "a", weight: 100, instances: [] },
        { id: "b", weight: 0, instances: ["b1"] },
        { id: "c", weight: 0, instances: ["c1"] },
      ]),
      { b1: 2, c1: 2 },
    );
  });
});
