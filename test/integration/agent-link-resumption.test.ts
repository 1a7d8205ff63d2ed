/**
 * Issue 15: agents resume their TLS session on a reconnect, also across a hub restart, so 10k
 * agents coming back after a restart cost the hub (and themselves) less than full handshakes. A
 * resumed link is still checked like any other: the node's certificate and credential on Connect.
 * Real hubs, real gRPC over loopback TLS, the agent's own credentials class.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { helloToProto } from "../../agent/link/codec";
import { ResumingChannelCredentials } from "../../agent/link/resuming-credentials";
import { AgentLinkClient, type HubMessage, type JoinResponse } from "../../proto/gen/corral/v1/agent_link";
import { rawJoin, testKeys } from "../helpers/agent-link-client";
import { fakeHardware } from "../helpers/fake-hardware";
import { startTestHub, type TestHub } from "../helpers/test-hub";

/** Connect with `creds` and the node's credential, send a Hello; the hub's first answer. */
async function connectWith(
  hub: TestHub,
  creds: ResumingChannelCredentials,
  join: JoinResponse,
  nodeName: string,
): Promise<HubMessage | ServiceError> {
  const client = new AgentLinkClient(hub.hub.grpcAddress, creds, { "grpc.use_local_subchannel_pool": 1 });
  try {
    const md = new Metadata();
    md.set("authorization", `Bearer ${join.nodeCredential}`);
    const call = client.connect(md);
    call.on("error", () => undefined);
    const first = new Promise<HubMessage | ServiceError>((resolve) => {
      call.once("data", resolve);
      call.once("error", resolve);
    });
    call.write({
      body: {
        $case: "hello",
        value: helloToProto({
          nodeName,
          cluster: "default",
          agentVersion: "test",
          labels: [],
          hardware: await fakeHardware().inventory(),
          runtime: { name: "fake", available: true, error: null, version: "1" },
          tasks: [],
        }),
      },
    });
    const answer = await first;
    call.cancel();
    return answer;
  } finally {
    client.close();
  }
}

function welcomed(m: HubMessage | ServiceError): void {
  assert.ok("body" in m && m.body?.$case === "welcome", `expected a Welcome, got ${JSON.stringify(m)}`);
}

describe("integration: agent-link TLS sessions resume, across a hub restart too (issue 15)", function () {
  const hubs: TestHub[] = [];
  after(async () => {
    for (const h of hubs) await h.close().catch(() => undefined);
  });

  it("resumes on a reconnect and after a restart with the same data dir; a full handshake without the ticket keys", async () => {
    const first = await startTestHub();
    hubs.push(first);
    const join = await rawJoin(first, { nodeName: "resuming" });
    const creds = new ResumingChannelCredentials({
      caPem: first.hub.ca.certPem,
      keyPem: (await testKeys()).privateKey,
      certPem: join.certificate,
    });
    welcomed(await connectWith(first, creds, join, "resuming"));
    assert.equal(creds.resumedConnections, 0, "the first connection is a full handshake");
    welcomed(await connectWith(first, creds, join, "resuming"));
    assert.equal(creds.resumedConnections, 1, "the reconnect resumed the session");

    const keysFile = path.join(first.dataDir, "tls", "session-ticket.keys");
    assert.equal(fs.statSync(keysFile).mode & 0o777, 0o600, "ticket keys are private, as the CA key");
    const keys = fs.readFileSync(keysFile);
    await first.close();
    const restarted = await startTestHub({}, first.dataDir);
    hubs.push(restarted);
    assert.deepEqual(fs.readFileSync(keysFile), keys, "the restarted hub kept its ticket keys");
    welcomed(await connectWith(restarted, creds, join, "resuming"));
    assert.equal(creds.resumedConnections, 2, "a ticket from before the restart resumed");

    await restarted.close();
    fs.rmSync(keysFile);
    const rekeyed = await startTestHub({}, first.dataDir);
    hubs.push(rekeyed);
    assert.notDeepEqual(fs.readFileSync(keysFile), keys, "new ticket keys");
    welcomed(await connectWith(rekeyed, creds, join, "resuming"));
    assert.equal(creds.resumedConnections, 2, "an unknown ticket falls back to a full handshake");
  });

  it("checks a resumed link's certificate on Connect: a revoked certificate is refused", async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const join = await rawJoin(hub, { nodeName: "revoked-resume" });
    const creds = new ResumingChannelCredentials({
      caPem: hub.hub.ca.certPem,
      keyPem: (await testKeys()).privateKey,
      certPem: join.certificate,
    });
    welcomed(await connectWith(hub, creds, join, "revoked-resume"));
    hub.hub.core.nodeCertificates.revokeNode(join.nodeId);
    const answer = await connectWith(hub, creds, join, "revoked-resume");
    assert.equal(creds.resumedConnections, 1, "the TLS session resumed");
    assert.ok("code" in answer && !("body" in answer), `expected a refusal, got ${JSON.stringify(answer)}`);
    assert.match(answer.details, /node certificate revoked/);
  });
});
