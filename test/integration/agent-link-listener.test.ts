import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { AGENT_LINK_BACKLOG } from "../../hub/agents/agent-link-listener";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";

/** The accept-queue size of the listening TCP socket on `port` (ss prints it as Send-Q), or null without ss. */
function listenBacklog(port: number): number | null {
  let out: string;
  try {
    out = execFileSync("ss", ["-Hltn", `sport = :${port}`], { encoding: "utf8" });
  } catch {
    return null;
  }
  const fields = out.trim().split(/\s+/);
  return fields.length >= 3 ? Number(fields[2]) : null;
}

describe("integration: the agent link's TCP listener (issue 15, connection storms)", function () {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    await hub.close();
  });

  it("queues as many pending connections as the kernel allows, up to 4096 (not Node's 511)", function () {
    const port = Number(hub.hub.grpcAddress.split(":").pop());
    const backlog = listenBacklog(port);
    if (backlog === null) this.skip(); // no iproute2 `ss` on this machine: nothing to read it with
    const somaxconn = Number(fs.readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
    assert.equal(backlog, Math.min(AGENT_LINK_BACKLOG, somaxconn));
  });

  it("serves agents over it with mutual TLS as before", async () => {
    const agent = startTestAgent(hub, { name: "listener-node" });
    try {
      assert.ok(await agent.welcomed());
    } finally {
      await agent.stop();
    }
  });
});
