import assert from "node:assert/strict";
import { MAX_PASS_GAP_MS, passDelayMs } from "../../../hub/pass-pacing";

describe("passDelayMs (scheduler pass pacing)", () => {
  it("runs the first pass at once", () => {
    assert.equal(passDelayMs(5, Number.NEGATIVE_INFINITY, 0), 0);
  });

  it("delays a signal right after a cheap pass only by what that pass took", () => {
    // A 2 ms pass ended at t=100: a submit at t=101 waits 1 ms, not a fixed spacing.
    assert.equal(passDelayMs(101, 100, 2), 1);
    assert.equal(passDelayMs(103, 100, 2), 0);
  });

  it("leaves the loop as long as an expensive pass took, up to the cap", () => {
    assert.equal(passDelayMs(100, 100, 8), 8);
    assert.equal(passDelayMs(100, 100, 500), MAX_PASS_GAP_MS);
    assert.equal(passDelayMs(100 + MAX_PASS_GAP_MS, 100, 500), 0);
  });
});
