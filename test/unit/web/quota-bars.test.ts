import assert from "node:assert/strict";
import { quotaBar, usePercent } from "../../../web/src/lib/quota-bars";

describe("web console: quota bar maths", () => {
  it("draws against the limit: allocated fill, deserved and limit marks", () => {
    assert.deepEqual(quotaBar({ deserved: 2, limit: 4, allocated: 1 }), {
      allocatedPct: 25,
      deservedPct: 50,
      limitPct: 100,
      fairSharePct: null,
      overPct: 0,
      scale: 4,
      over: false,
      atLimit: false,
    });
  });

  it("places the fair-share mark when the API gives one", () => {
    assert.equal(quotaBar({ deserved: 2, limit: 4, allocated: 1, fairShare: 3 }).fairSharePct, 75);
  });

  it("marks the part above deserved as borrowed, and a unit at its limit", () => {
    const bar = quotaBar({ deserved: 2, limit: 4, allocated: 4 });
    assert.equal(bar.allocatedPct, 100);
    assert.equal(bar.overPct, 50);
    assert.equal(bar.over, true);
    assert.equal(bar.atLimit, true);
  });

  it("draws an unlimited unit against the pool's capacity, with no limit mark", () => {
    const bar = quotaBar({ deserved: 8000, limit: null, allocated: 2000 }, 16000);
    assert.deepEqual([bar.scale, bar.allocatedPct, bar.deservedPct, bar.limitPct], [16000, 12.5, 50, null]);
    assert.equal(bar.atLimit, false);
  });

  it("keeps every mark on the track when deserved or use exceed the capacity", () => {
    const bar = quotaBar({ deserved: 10, limit: null, allocated: 12 }, 8);
    assert.equal(bar.scale, 12);
    assert.equal(bar.allocatedPct, 100);
    assert.ok(bar.deservedPct > 83 && bar.deservedPct < 84);
  });

  it("draws nothing for a unit with no quota, use or capacity (no division by zero)", () => {
    assert.deepEqual(quotaBar({ deserved: 0, limit: null, allocated: 0 }), {
      allocatedPct: 0,
      deservedPct: 0,
      limitPct: null,
      fairSharePct: null,
      overPct: 0,
      scale: 0,
      over: false,
      atLimit: false,
    });
    assert.equal(quotaBar({ deserved: 0, limit: 0, allocated: 0 }).atLimit, true);
  });

  it("clamps use percentages to 0-100", () => {
    assert.equal(usePercent(1, 4), 25);
    assert.equal(usePercent(5, 4), 100);
    assert.equal(usePercent(1, 0), 0);
  });
});
