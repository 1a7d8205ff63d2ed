import assert from "node:assert/strict";
import { DEFAULT_STOP_GRACE_SEC, StopGraces } from "../../../agent/stop-graces";

describe("agent stop graces", () => {
  it("keeps one grace per attempt, and the default for an attempt never seen", () => {
    const g = new StopGraces();
    g.remember({ taskId: "a", attempt: 1, stopGraceSec: 30 });
    g.remember({ taskId: "a", attempt: 2, stopGraceSec: 5 });
    assert.equal(g.of("a", 1), 30);
    assert.equal(g.of("a", 2), 5);
    assert.equal(g.of("a", 3), DEFAULT_STOP_GRACE_SEC);
  });

  it("forgets the attempts its predicate refuses, task ids with slashes included", () => {
    const g = new StopGraces();
    g.remember({ taskId: "w/0", attempt: 1, stopGraceSec: 3 });
    g.remember({ taskId: "w/0", attempt: 2, stopGraceSec: 4 });
    g.forgetUnless((taskId, attempt) => taskId === "w/0" && attempt === 2);
    assert.equal(g.size, 1);
    assert.equal(g.of("w/0", 2), 4);
    assert.equal(g.of("w/0", 1), DEFAULT_STOP_GRACE_SEC);
  });
});
