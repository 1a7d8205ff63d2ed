import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import type { RunningAgent } from "../../agent/agent";
import { rawJoin } from "../helpers/agent-link-client";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

/**
 * Issue 15: a join storm is paced. Past CORRAL_JOIN_RATE joins a second the hub answers
 * RESOURCE_EXHAUSTED with a `retry-after-ms` hint (a slot kept for that join), and the agent
 * comes back then rather than on its own backoff.
 */
describe("integration: join storms are paced (issue 15)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];

  beforeEach(async () => {
    hub = await startTestHub({ CORRAL_JOIN_RATE: "1" });
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await hub.close();
  });

  it("refuses joins past the rate with a retry-after-ms hint, before any work", async () => {
    // One second's worth (one join, plus the one whose slot comes within it) passes at once.
    const outcomes = [];
    for (const nodeName of ["j1", "j2", "j3"])
      outcomes.push(
        await rawJoin(hub, { nodeName }).then(
          () => null,
          (e: unknown) => e as ServiceError,
        ),
      );
    assert.equal(outcomes[0], null, "the first join is admitted");
    const err = outcomes[2];
    assert.ok(err, "the third join within the second is paced");
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    const hint = Number(err.metadata.get("retry-after-ms")[0]);
    assert.ok(hint > 0 && hint <= 2_000, `hint ${hint} ms: the next free slot`);
    assert.match(err.details, /too many joins at once: join again in \d+ ms/);
    assert.equal(
      hub.hub.core.nodes.list().filter((n) => n.name === "j3").length,
      0,
      "a paced join makes no node",
    );
  });

  it("agents that all start at once each come back at their slot and are all welcomed", async () => {
    const names = ["a1", "a2", "a3", "a4", "a5"];
    for (const name of names) agents.push(startTestAgent(hub, { name }));
    await Promise.all(agents.map((a) => a.welcomed()));
    // At 1 join/s about two fit the first second's burst; the others were paced once each, and
    // came back at their slots (1 s, 2 s, 3 s on). On their own backoff (50 ms doubling to 500 ms)
    // they would have been refused again and again while they waited.
    assert.ok(
      hub.hub.gateway.pacedJoins >= 1 && hub.hub.gateway.pacedJoins < names.length,
      `paced ${hub.hub.gateway.pacedJoins} times: once per paced agent at most`,
    );
    await waitFor(
      () => hub.hub.core.nodes.list().filter((n) => n.status === "ready").length === names.length,
      "every node ready",
    );
  });
});
