/**
 * Issue 15: after the hub was down (a restart, a partition that refused connections), an agent comes
 * back on its own jittered backoff. grpc-js keeps a channel whose connection failed in its own
 * reconnect backoff (1 s growing to 120 s) and fails every call before then at once with the stale
 * "connect ECONNREFUSED": agents came back on grpc-js's schedule, each fast failure costing the
 * returning hub a CA probe's TLS handshake. Real hub, real agent link over loopback TLS, a TCP proxy
 * whose port is closed for the outage.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { TcpProxy } from "../helpers/tcp-proxy";
import { waitFor } from "../helpers/wait";

describe("integration: an agent back from a hub outage (issue 15)", function () {
  let hub: TestHub;
  let proxy: TcpProxy;
  let agent: RunningAgent | null = null;
  before(async () => {
    hub = await startTestHub();
    proxy = await TcpProxy.start(hub.hub.grpcAddress);
  });
  after(async () => {
    await agent?.stop();
    await proxy.close();
    await hub.close();
  });

  it("reconnects on the first attempt after the hub listens again, whatever grpc-js's channel backoff", async () => {
    // Retries every 20-40 ms: many attempts in any window in which grpc-js alone would wait.
    const retry = { initialMs: 40, multiplier: 1, maxMs: 40 };
    agent = startTestAgent(hub, { name: "outage", hubAddress: proxy.address, retry });
    const link = agent.link;
    await agent.welcomed();
    let attempts = 0;
    link.on("hello", () => attempts++);
    await proxy.refuse();
    // grpc-js reconnects on its own 1 s, 1.6 s, 2.6 s, 4.1 s... (each +-20 %) after the first
    // refusal: at most 6.2 s in, at least 7.4 s in for the next. An outage of 6.6 s ends in that
    // gap, so a channel left in its backoff would fail the next ~20 attempts at once.
    await new Promise((resolve) => setTimeout(resolve, 6_600));
    assert.ok(attempts > 10, `the agent kept retrying during the outage (${attempts} attempts)`);
    const welcomed = new Promise<void>((resolve) => link.once("welcome", () => resolve()));
    await proxy.listenAgain();
    const before = attempts;
    await welcomed;
    // The attempt under way when the port opened may still have been refused; the next one connects.
    assert.ok(
      attempts - before <= 2,
      `welcomed after ${attempts - before} attempts once the hub listened again`,
    );
    await waitFor(async () => {
      const res = await hub.api<{ status: string }>("GET", "/api/corral/v1/nodes/outage");
      return res.body.status === "ready";
    }, "the node ready again");
  });
});
