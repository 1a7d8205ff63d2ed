/**
 * Issue 13, secure transport: the agent link as an attacker on the same network meets it. Every
 * case goes through the real gRPC server over loopback TLS with the hub's own CA.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { credentials, Metadata, status, type ClientDuplexStream, type ServiceError } from "@grpc/grpc-js";
import type { RunningAgent } from "../../agent/agent";
import { helloToProto } from "../../agent/link/codec";
import { HubCaError } from "../../agent/link/hub-trust";
import { certificateFacts, certificateFingerprint, generateKeyPair } from "../../lib/pki/certificates";
import { createCsr, verifyCsr } from "../../lib/pki/csr";
import { formatJoinToken } from "../../lib/pki/join-token";
import {
  AgentLinkClient,
  type AgentMessage,
  type HubMessage,
  type JoinResponse,
} from "../../proto/gen/corral/v1/agent_link";
import { TaskState } from "../../proto/gen/corral/v1/tasks";
import { loadHubConfig } from "../../hub/config";
import { startHub, type RunningHub } from "../../hub/hub";
import { agentLinkClient, rawJoin, testCsr, testKeys } from "../helpers/agent-link-client";
import { fakeHardware } from "../helpers/fake-hardware";
import { testLogger } from "../helpers/logger";
import { JOIN_TOKEN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface WorkloadJson {
  id: string;
  state: string;
  tasks: { id: string; state: string; node: string | null; attempt: number }[];
}

const tempDir = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `corral-${what}-`));

/** A node identity as a raw client holds it after a Join. */
interface RawNode {
  join: JoinResponse;
  keyPem: string;
}

async function joinRaw(hub: TestHub, nodeName: string, proof = ""): Promise<RawNode> {
  const join = await rawJoin(hub, { nodeName, nodeCredential: proof });
  return { join, keyPem: (await testKeys()).privateKey };
}

async function hello(nodeName: string): Promise<ReturnType<typeof helloToProto>> {
  return helloToProto({
    nodeName,
    cluster: "default",
    agentVersion: "test",
    labels: [],
    hardware: await fakeHardware().inventory(),
    runtime: { name: "fake", available: true, error: null, version: "1" },
    tasks: [],
  });
}

/** Connect as `node` with `identity` (key + certificate) and `credential`; the first answer. */
async function connectAs(
  hub: TestHub,
  credential: string,
  identity: { keyPem: string; certPem: string } | undefined,
  nodeName: string,
): Promise<{
  client: AgentLinkClient;
  call: ClientDuplexStream<AgentMessage, HubMessage>;
  first: HubMessage | ServiceError;
}> {
  const client = agentLinkClient(hub, identity);
  const md = new Metadata();
  md.set("authorization", `Bearer ${credential}`);
  const call = client.connect(md);
  call.on("error", () => undefined);
  const first = new Promise<HubMessage | ServiceError>((resolve) => {
    call.once("data", resolve);
    call.once("error", resolve);
  });
  call.write({ body: { $case: "hello", value: await hello(nodeName) } });
  return { client, call, first: await first };
}

const isError = (m: HubMessage | ServiceError): m is ServiceError => "code" in m && !("body" in m);

/** Refused at the TLS handshake (the server never sees a verified certificate) or after it. */
function refusedOrDropped(m: HubMessage | ServiceError): void {
  assert.ok(isError(m), `expected a refusal, got ${JSON.stringify(m)}`);
  assert.ok([status.UNAUTHENTICATED, status.UNAVAILABLE].includes(m.code), `${m.code} ${m.details}`);
}

function refused(m: HubMessage | ServiceError, pattern: RegExp): void {
  assert.ok(isError(m), `expected a refusal, got ${JSON.stringify(m)}`);
  assert.equal(m.code, status.UNAUTHENTICATED, m.details);
  assert.match(m.details, pattern);
}

describe("integration: the agent link is TLS with mutual authentication (issue 13)", function () {
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const clients: AgentLinkClient[] = [];
  const hubs: TestHub[] = [];

  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const a of agents) await a.stop();
    for (const h of hubs) await h.close();
    await hub.close();
  });

  it("creates its CA in the data dir (ca.crt readable, ca.key 0600) and prints K10 join tokens", async () => {
    const fresh = await startTestHub({}, undefined, { freshCa: true });
    hubs.push(fresh);
    const crt = fs.statSync(path.join(fresh.dataDir, "tls", "ca.crt"));
    const key = fs.statSync(path.join(fresh.dataDir, "tls", "ca.key"));
    assert.equal(key.mode & 0o777, 0o600);
    assert.equal(crt.mode & 0o777, 0o644);
    assert.notEqual(fresh.hub.ca.fingerprint, hub.hub.ca.fingerprint, "a fresh CA, not the cached test CA");
    const created = await fresh.api<{ token: string }>("POST", "/api/corral/v1/join-tokens", {});
    assert.equal(created.status, 201);
    const fp = certificateFingerprint(fs.readFileSync(path.join(fresh.dataDir, "tls", "ca.crt"), "utf8"));
    assert.match(created.body.token, new RegExp(`^K10${fp}::[^.]+\\.\\S+$`));
  });

  it("refuses a plaintext connection", async () => {
    const client = new AgentLinkClient(hub.hub.grpcAddress, credentials.createInsecure());
    clients.push(client);
    const err = await new Promise<ServiceError>((resolve) =>
      client.join(
        {
          joinToken: JOIN_TOKEN,
          nodeName: "plain",
          cluster: "default",
          nodeCredential: "",
          certificateRequest: "",
        },
        new Metadata(),
        { deadline: Date.now() + 5_000 },
        (e) => resolve(e as ServiceError),
      ),
    );
    assert.ok(err, "a plaintext Join must fail");
    assert.notEqual(err.code, status.OK);
    assert.equal((await hub.api<unknown[]>("GET", "/api/corral/v1/nodes/plain")).status, 404);
  });

  it("refuses Connect without a client certificate, even with a valid node credential", async () => {
    const node = await joinRaw(hub, "no-cert");
    const r = await connectAs(hub, node.join.nodeCredential, undefined, "no-cert");
    clients.push(r.client);
    refused(r.first, /client certificate signed by the hub CA is required/);
  });

  it("accepts the node's own certificate, and refuses another node's certificate with this node's credential", async () => {
    const a = await joinRaw(hub, "cert-a");
    const b = await joinRaw(hub, "cert-b");
    const ok = await connectAs(
      hub,
      a.join.nodeCredential,
      { keyPem: a.keyPem, certPem: a.join.certificate },
      "cert-a",
    );
    clients.push(ok.client);
    assert.ok(!isError(ok.first) && ok.first.body?.$case === "welcome", JSON.stringify(ok.first));
    ok.call.end();
    assert.equal(
      certificateFacts(a.join.certificate).subjectCommonName,
      a.join.nodeId,
      "node id in the subject",
    );
    const wrong = await connectAs(
      hub,
      a.join.nodeCredential,
      { keyPem: b.keyPem, certPem: b.join.certificate },
      "cert-a",
    );
    clients.push(wrong.client);
    refused(wrong.first, /belongs to another node/);
  });

  it("refuses an expired certificate and one from another CA", async () => {
    const node = await joinRaw(hub, "expired");
    const csr = await testCsr();
    const expired = hub.hub.ca.signNode(
      verifyCsr(csr),
      node.join.nodeId,
      "default",
      3_600_000,
      Date.now() - 7_200_000,
    );
    assert.ok(certificateFacts(expired.certPem).notAfter < Date.now());
    const r = await connectAs(
      hub,
      node.join.nodeCredential,
      { keyPem: node.keyPem, certPem: expired.certPem },
      "expired",
    );
    clients.push(r.client);
    refusedOrDropped(r.first);

    const other = await startTestHub({}, undefined, { freshCa: true });
    hubs.push(other);
    const foreign = other.hub.ca.signNode(verifyCsr(csr), node.join.nodeId, "default", 3_600_000);
    const f = await connectAs(
      hub,
      node.join.nodeCredential,
      { keyPem: node.keyPem, certPem: foreign.certPem },
      "expired",
    );
    clients.push(f.client);
    refusedOrDropped(f.first);
  });

  it("refuses a revoked certificate at once: a rejoin revokes the old one, a replace revokes all", async () => {
    const first = await joinRaw(hub, "revoked");
    const second = await joinRaw(hub, "revoked", first.join.nodeCredential);
    const old = await connectAs(
      hub,
      second.join.nodeCredential,
      { keyPem: first.keyPem, certPem: first.join.certificate },
      "revoked",
    );
    clients.push(old.client);
    refused(old.first, /node certificate revoked/);

    const current = { keyPem: second.keyPem, certPem: second.join.certificate };
    const live = await connectAs(hub, second.join.nodeCredential, current, "revoked");
    clients.push(live.client);
    assert.ok(!isError(live.first) && live.first.body?.$case === "welcome");
    const ended = new Promise<void>((resolve) => {
      live.call.on("error", () => resolve());
      live.call.on("end", () => resolve());
    });
    live.call.on("data", () => undefined);
    const replaced = await hub.api("POST", `/api/corral/v1/nodes/${second.join.nodeId}/replace`);
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    await ended; // the live stream is cut
    const again = await connectAs(hub, second.join.nodeCredential, current, "revoked");
    clients.push(again.client);
    refused(again.first, /invalid or missing node credential|revoked/);
  });

  it("refuses a Tunnel without the node's certificate", async () => {
    const node = await joinRaw(hub, "tunnel-node");
    const client = agentLinkClient(hub);
    clients.push(client);
    const md = new Metadata();
    md.set("authorization", `Bearer ${node.join.nodeCredential}`);
    const call = client.tunnel(md);
    const err = await new Promise<ServiceError>((resolve) => {
      call.on("data", () => undefined);
      call.on("error", (e: ServiceError) => resolve(e));
    });
    assert.equal(err.code, status.UNAUTHENTICATED);
  });

  it("refuses an impostor join for a live node; the real node's certificate keeps working", async () => {
    const real = await joinRaw(hub, "victim-tls");
    // The impostor has a join token but not the node's key.
    const impostorCsr = createCsr(await generateKeyPair(), "default/victim-tls");
    await assert.rejects(
      rawJoin(hub, { nodeName: "victim-tls", certificateRequest: impostorCsr }),
      (e: ServiceError) => e.code === status.ALREADY_EXISTS,
    );
    const r = await connectAs(
      hub,
      real.join.nodeCredential,
      { keyPem: real.keyPem, certPem: real.join.certificate },
      "victim-tls",
    );
    clients.push(r.client);
    assert.ok(!isError(r.first) && r.first.body?.$case === "welcome", JSON.stringify(r.first));
    r.call.end();
  });

  it("a join retried with the same key (its answer lost) gets the node afresh; the lost credential and certificate stop working", async () => {
    const first = await joinRaw(hub, "lost-answer");
    const retried = await joinRaw(hub, "lost-answer"); // same key (testKeys), no credential
    assert.equal(retried.join.nodeId, first.join.nodeId);
    assert.notEqual(retried.join.nodeCredential, first.join.nodeCredential);
    const stale = await connectAs(
      hub,
      first.join.nodeCredential,
      { keyPem: first.keyPem, certPem: first.join.certificate },
      "lost-answer",
    );
    clients.push(stale.client);
    assert.ok(isError(stale.first), "the first answer's credential and certificate are void");
    const r = await connectAs(
      hub,
      retried.join.nodeCredential,
      { keyPem: retried.keyPem, certPem: retried.join.certificate },
      "lost-answer",
    );
    clients.push(r.client);
    assert.ok(!isError(r.first) && r.first.body?.$case === "welcome", JSON.stringify(r.first));
    r.call.end();
  });

  it("ignores a node reporting another node's task (forged task update)", async () => {
    const owner = startTestAgent(hub, { name: "owner", labels: ["owner"] });
    agents.push(owner);
    await owner.welcomed();
    const created = await hub.api<WorkloadJson>("POST", "/api/corral/v1/workloads", {
      name: "owned",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "-1" },
      nodeSelector: ["owner"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const running = await waitFor(async () => {
      const w = (await hub.api<WorkloadJson>("GET", `/api/corral/v1/workloads/${created.body.id}`)).body;
      return w.tasks[0]?.state === "running" ? w : null;
    }, "the owner's task running");
    const task = running.tasks[0]!;
    assert.equal(task.node, "owner");

    const forger = await joinRaw(hub, "forger");
    const r = await connectAs(
      hub,
      forger.join.nodeCredential,
      { keyPem: forger.keyPem, certPem: forger.join.certificate },
      "forger",
    );
    clients.push(r.client);
    assert.ok(!isError(r.first) && r.first.body?.$case === "welcome");
    r.call.on("data", () => undefined);
    r.call.write({
      body: {
        $case: "taskUpdate",
        value: {
          taskId: task.id,
          attempt: task.attempt,
          state: TaskState.TASK_STATE_FAILED,
          exitCode: 137,
          containerId: "forged",
          ip: "",
          ports: [],
          message: "forged",
          startedAtMs: 0,
          finishedAtMs: Date.now(),
          gpuUuids: [],
        },
      },
    });
    // A heartbeat after it on the same stream: once counted, the forged update was handled too.
    r.call.write({
      body: { $case: "heartbeat", value: { sequence: 1, node: undefined, gpus: [], tasks: [] } },
    });
    await waitFor(
      () => (hub.hub.gateway.sessions.get(forger.join.nodeId)?.heartbeats ?? 0) >= 1,
      "heartbeat handled",
    );
    const after = (await hub.api<WorkloadJson>("GET", `/api/corral/v1/workloads/${created.body.id}`)).body;
    assert.equal(after.tasks[0]?.state, "running", "another node's report changes nothing");
    r.call.end();
    await hub.api("POST", `/api/corral/v1/workloads/${created.body.id}/stop`);
  });

  it("the agent pins a bare token's CA (trust on first use) and refuses a changed CA later", async () => {
    const dir = tempDir("agent-tofu");
    const first = startTestAgent(hub, { name: "pinned", dataDir: dir, joinToken: JOIN_TOKEN });
    await first.welcomed();
    await first.stop();
    assert.equal(
      certificateFingerprint(fs.readFileSync(path.join(dir, "tls", "hub-ca.crt"), "utf8")),
      hub.hub.ca.fingerprint,
      "pinned on first use",
    );
    assert.equal(fs.statSync(path.join(dir, "tls", "node.key")).mode & 0o777, 0o600);

    // Another hub (another CA) at the address the agent is given: refused, even with its token.
    const other = await startTestHub({}, undefined, { freshCa: true });
    hubs.push(other);
    fs.rmSync(path.join(dir, "node.json")); // no stored credential: it must join the new hub
    const moved = startTestAgent(other, { name: "pinned", dataDir: dir, joinToken: JOIN_TOKEN });
    agents.push(moved);
    const err = await new Promise<Error>((resolve) => moved.link.once("caRefused", resolve));
    assert.ok(err instanceof HubCaError);
    assert.equal(err.expectedFingerprint, hub.hub.ca.fingerprint);
    assert.equal(err.presentedFingerprint, other.hub.ca.fingerprint);
    assert.equal((await other.api("GET", "/api/corral/v1/nodes/pinned")).status, 404, "never joined");
  });

  it("a K10 token for another CA is refused before the secret is sent", async () => {
    const other = await startTestHub({}, undefined, { freshCa: true });
    hubs.push(other);
    const created = await other.api<{ id: string; token: string }>("POST", "/api/corral/v1/join-tokens", {});
    const secret = created.body.token.split("::")[1]!;
    const wrongCa = formatJoinToken(hub.hub.ca.fingerprint, secret);
    const agent = startTestAgent(other, { name: "k10-wrong", joinToken: wrongCa });
    agents.push(agent);
    const err = await new Promise<Error>((resolve) => agent.link.once("caRefused", resolve));
    assert.match(err.message, /join token names/);
    const token = (
      await other.api<{ items: { id: string; lastUsedAt: string | null }[] }>(
        "GET",
        "/api/corral/v1/join-tokens",
      )
    ).body.items.find((t) => t.id === created.body.id);
    assert.equal(token?.lastUsedAt, null, "the secret never reached the hub");
  });

  it("CORRAL_HUB_CA_FILE gives the CA explicitly", async () => {
    const agent = startTestAgent(hub, {
      name: "ca-file",
      joinToken: JOIN_TOKEN,
      hubCaFile: hub.hub.ca.certFile,
    });
    agents.push(agent);
    await agent.welcomed();
  });

  it("renews the node certificate over the link before it expires; the new one connects", async () => {
    const dir = tempDir("agent-renew");
    // Fraction 1: due at once, so the renewal runs at the first Welcome.
    const agent = startTestAgent(hub, { name: "renewer", dataDir: dir, certRenewFraction: 1 });
    agents.push(agent);
    const renewed = new Promise<{ previousSerial: string | null; serial: string }>((resolve) =>
      agent.link.once("certificateRenewed", resolve),
    );
    await agent.welcomed();
    const { previousSerial, serial } = await renewed;
    assert.ok(previousSerial);
    assert.notEqual(serial, previousSerial);
    assert.equal(certificateFacts(fs.readFileSync(path.join(dir, "tls", "node.crt"), "utf8")).serial, serial);
    const rewelcomed = new Promise<void>((resolve) => agent.link.once("welcome", () => resolve()));
    agent.link.dropConnection();
    await rewelcomed; // over the renewed certificate
  });
});

describe("integration: HTTP over TLS (CORRAL_HTTP_TLS=auto) with HSTS", function () {
  let hub: RunningHub;
  before(async () => {
    // startHub itself: the test hub's login helper speaks plain fetch, which cannot take a CA.
    const config = loadHubConfig({
      CORRAL_DATA_DIR: tempDir("hub-https"),
      CORRAL_HTTP_HOST: "127.0.0.1",
      CORRAL_HTTP_PORT: "0",
      CORRAL_GRPC_HOST: "127.0.0.1",
      CORRAL_GRPC_PORT: "0",
      CORRAL_ADMIN_PASSWORD: "admin-password-1",
      CORRAL_HTTP_TLS: "auto",
    });
    hub = await startHub(config, { logger: testLogger() });
  });
  after(() => hub.close());

  it("serves HTTPS with a hub-CA certificate and sends Strict-Transport-Security", async () => {
    assert.match(hub.httpUrl, /^https:\/\//);
    const res = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
      const req = https.get(`${hub.httpUrl}/healthz`, { ca: hub.ca.certPem }, (r) => {
        r.resume();
        resolve({
          status: r.statusCode ?? 0,
          hsts: r.headers["strict-transport-security"] as string | undefined,
        });
      });
      req.on("error", reject);
    });
    assert.equal(res.status, 200);
    assert.match(res.hsts ?? "", /^max-age=\d+$/);
  });

  it("sends no HSTS over plain HTTP", async () => {
    const plain = await startTestHub();
    try {
      const res = await fetch(`${plain.hub.httpUrl}/healthz`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("strict-transport-security"), null);
    } finally {
      await plain.close();
    }
  });
});
