import assert from "node:assert/strict";
import { fairShares, waterFill } from "../../../../hub/scheduler/fair-share";

const q = (id: string, deserved: number, demand: number, weight = 1, limit: number | null = null) => ({
  id,
  deserved,
  demand,
  weight,
  limit,
});

describe("scheduler fair shares (water-filling)", () => {
  it("gives deserved quota first, capped by demand", () => {
    const s = waterFill(4, [q("a", 2, 4), q("b", 2, 2)]);
    assert.deepEqual([s.get("a"), s.get("b")], [2, 2]);
  });

  it("lends what an idle project leaves to the one with demand", () => {
    const s = waterFill(4, [q("a", 2, 4), q("b", 2, 0)]);
    assert.deepEqual([s.get("a"), s.get("b")], [4, 0]);
  });

  it("splits idle capacity by over-quota weight (1:3)", () => {
    const s = waterFill(8, [q("a", 0, 8, 1), q("b", 0, 8, 3)]);
    assert.deepEqual([s.get("a"), s.get("b")], [2, 6]);
  });

  it("follows Run:ai's worked example: weights 2/3/1 over 20 unused GPUs", () => {
    // Quotas 6, 0, 0 with 26 GPUs: 20 unused, the weight-3 queue gets 3/6 x 20 = 10.
    const s = waterFill(26, [q("a", 6, 100, 2), q("b", 0, 100, 3), q("c", 0, 100, 1)]);
    assert.equal(s.get("b"), 10);
    assert.equal(s.get("a"), 6 + (20 * 2) / 6);
  });

  it("never goes beyond a limit, and passes the rest on", () => {
    const s = waterFill(8, [q("a", 0, 8, 1, 1), q("b", 0, 8, 1)]);
    assert.deepEqual([s.get("a"), s.get("b")], [1, 7]);
  });

  it("weight 0 borrows nothing", () => {
    const s = waterFill(4, [q("a", 1, 4, 0), q("b", 0, 4, 1)]);
    assert.deepEqual([s.get("a"), s.get("b")], [1, 3]);
  });

  it("caps a department's projects at the department's limit", () => {
    const units = [
      { ...q("a", 2, 8), parentId: "d" },
      { ...q("b", 2, 8), parentId: "d" },
      { ...q("c", 0, 8), parentId: null },
    ];
    const s = fairShares(12, units, new Map([["d", { id: "d", deserved: 4, limit: 6, weight: 1 }]]));
    assert.equal((s.get("a") ?? 0) + (s.get("b") ?? 0), 6);
    assert.equal(s.get("a"), 3);
    assert.equal(s.get("c"), 6);
  });

  it("caps a department's projects at its share when their quotas over-subscribe it", () => {
    const units = [
      { ...q("a", 2, 2), parentId: "d" },
      { ...q("b", 2, 2), parentId: "d" },
      { ...q("x", 6, 6), parentId: null },
    ];
    const s = fairShares(8, units, new Map([["d", { id: "d", deserved: 2, limit: null, weight: 1 }]]));
    assert.deepEqual([s.get("a"), s.get("b"), s.get("x")], [1, 1, 6]);
  });

  it("gives over-quota to higher ranks strictly first; weights split within a rank", () => {
    const s = waterFill(8, [
      { ...q("low", 0, 8, 3), rank: 0 },
      { ...q("high", 0, 6, 1), rank: 2 },
      { ...q("high2", 0, 1, 1), rank: 2 },
    ]);
    assert.deepEqual([s.get("high"), s.get("high2"), s.get("low")], [6, 1, 1]);
  });
});
