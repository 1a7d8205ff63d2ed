import assert from "node:assert/strict";
import { JoinPacer } from "../../../../hub/agents/join-pacer";

describe("join pacer (join storms)", () => {
  it("admits a second's worth at once, then tells each further join its own later slot", () => {
    const pacer = new JoinPacer(10); // 10 joins/s: one slot every 100 ms
    const t = 1_000_000;
    for (let i = 0; i < 10; i++) assert.deepEqual(pacer.admit(t), { admitted: true }, `join ${i}`);
    const hints = Array.from({ length: 5 }, () => pacer.admit(t));
    assert.deepEqual(
      hints.map((h) => (h.admitted ? "admitted" : h.retryAfterMs)),
      [100, 200, 300, 400, 500],
      "spread one interval apart, not all at the same moment",
    );
  });

  it("a join that comes back at its slot is admitted, whatever was promised to those behind it", () => {
    const pacer = new JoinPacer(10);
    const t = 1_000_000;
    for (let i = 0; i < 10; i++) pacer.admit(t);
    const slots = Array.from({ length: 20 }, () => pacer.admit(t));
    for (const [i, s] of slots.entries()) {
      assert.equal(s.admitted, false);
      if (s.admitted) continue;
      assert.deepEqual(pacer.admit(t + s.retryAfterMs), { admitted: true }, `join ${i} at its slot`);
    }
  });

  it("keeps the long-run rate: joins spread over time are all admitted", () => {
    const pacer = new JoinPacer(10);
    for (let i = 0; i < 100; i++) assert.equal(pacer.admit(i * 100).admitted, true, `join ${i}`);
  });

  it("caps the delay it asks for, and rate 0 turns pacing off", () => {
    const pacer = new JoinPacer(1, 5_000);
    pacer.admit(0);
    const hints = Array.from({ length: 10 }, () => pacer.admit(0));
    assert.deepEqual(
      hints.map((h) => (h.admitted ? 0 : h.retryAfterMs)),
      [1000, 2000, 3000, 4000, 5000, 5000, 5000, 5000, 5000, 5000],
    );
    const off = new JoinPacer(0);
    for (let i = 0; i < 1000; i++) assert.equal(off.admit(0).admitted, true);
  });
});
