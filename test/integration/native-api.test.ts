import assert from "node:assert/strict";
import { Metadata, status } from "@grpc/grpc-js";
import type { HubMessage } from "../../proto/gen/corral/v1/agent_link";
import { agentLinkClient } from "../helpers/agent-link-client";
import { startTestHub, type TestHub } from "../helpers/test-hub";

interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

describe("integration: native API edges (auth, validation, errors, health)", () => {
  let hub: TestHub;
  let userToken: string;

  before(async () => {
    hub = await startTestHub();
    await hub.hub.core.users.create({ username: "alice", password: "alice-password" });
    const login = await hub.api<{ token: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      { username: "alice", password: "alice-password" },
      null,
    );
    userToken = login.body.token;
  });
  after(() => hub.close());

  it("answers /healthz and /metrics", async () => {
    const health = await hub.api<{ status: string }>("GET", "/healthz", undefined, null);
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "ok");
    const metrics = await hub.api("GET", "/metrics", undefined, null);
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^# TYPE corral_nodes gauge$/m);
    assert.match(metrics.text, /^corral_agent_sessions 0$/m);
  });

  it("refuses requests without a valid token, and wrong passwords, with 401 unauthenticated", async () => {
    const none = await hub.api<ErrorBody>("GET", "/api/corral/v1/nodes", undefined, null);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "unauthenticated");
    const forged = await hub.api<ErrorBody>("GET", "/api/corral/v1/nodes", undefined, `${hub.adminToken}x`);
    assert.equal(forged.status, 401);
    const bad = await hub.api<ErrorBody>(
      "POST",
      "/api/corral/v1/auth/login",
      { username: "admin", password: "nope-nope" },
      null,
    );
    assert.equal(bad.status, 401);
    assert.equal(bad.body.message, "invalid username or password");
  });

  it("revokes a token on logout", async () => {
    const login = await hub.api<{ token: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      { username: "alice", password: "alice-password" },
      null,
    );
    assert.equal((await hub.api("GET", "/api/corral/v1/auth/me", undefined, login.body.token)).status, 200);
    assert.equal(
      (await hub.api("POST", "/api/corral/v1/auth/logout", undefined, login.body.token)).status,
      204,
    );
    const after = await hub.api<ErrorBody>("GET", "/api/corral/v1/auth/me", undefined, login.body.token);
    assert.equal(after.status, 401);
    assert.match(after.body.message, /revoked/);
  });

  it("keeps admin routes for admins (403 permission_denied otherwise)", async () => {
    const res = await hub.api<ErrorBody>("POST", "/api/corral/v1/join-tokens", {}, userToken);
    assert.equal(res.status, 403);
    assert.equal(res.body.code, "permission_denied");
    const cluster = await hub.api<ErrorBody>("POST", "/api/corral/v1/clusters", { name: "c1" }, userToken);
    assert.equal(cluster.status, 403);
  });

  it("names the field and the reason of bad input, and stores nothing", async () => {
    const cases: [unknown, string][] = [
      [{ image: "x" }, "name"],
      [{ name: "ok" }, "image"],
      [{ name: "ok", image: "x", instances: 0 }, "instances"],
      [{ name: "ok", image: "x", resources: { gpu: -1 } }, "resources.gpu"],
      [{ name: "ok", image: "x", ports: [{ name: "http", containerPort: 70000 }] }, "ports.0.containerPort"],
      [
        {
          name: "ok",
          image: "x",
          ports: [
            { name: "a", containerPort: 1 },
            { name: "a", containerPort: 2 },
          ],
        },
        "ports.1.name",
      ],
      [{ name: "ok", image: "x", env: { "BAD-NAME": "1" } }, "env.BAD-NAME"],
      [{ name: "ok", image: "x", nodeSelector: ["has space"] }, "nodeSelector.0"],
      [{ name: "bad name", image: "x" }, "name"],
    ];
    for (const [body, field] of cases) {
      const res = await hub.api<ErrorBody>("POST", "/api/corral/v1/workloads", body, userToken);
      assert.equal(res.status, 400, `${JSON.stringify(body)} -> ${res.text}`);
      assert.equal(res.body.code, "invalid_argument");
      assert.equal(res.body.field, field, res.text);
      assert.ok(res.body.message.length > field.length, "a reason follows the field");
    }
    const unknownCluster = await hub.api<ErrorBody>(
      "POST",
      "/api/corral/v1/workloads",
      { name: "ok", image: "x", cluster: "nowhere" },
      userToken,
    );
    assert.equal(unknownCluster.status, 404);
    const list = await hub.api<{ items: unknown[] }>("GET", "/api/corral/v1/workloads", undefined, userToken);
    assert.equal(list.body.items.length, 0, "nothing half-written");
  });

  it("validates path and query parameters at the edge, naming the field", async () => {
    const w = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "params",
      image: "x",
    });
    assert.equal(w.status, 201, w.text);
    const cases: [string, string][] = [
      [`/api/corral/v1/workloads/${w.body.id}/tasks/-1/logs`, "index"],
      [`/api/corral/v1/workloads/${w.body.id}/tasks/1.5/logs`, "index"],
      [`/api/corral/v1/workloads/${w.body.id}/tasks/0/logs?tail=x`, "tail"],
      ["/api/corral/v1/nodes?cluster=", "cluster"],
    ];
    for (const [path, field] of cases) {
      const res = await hub.api<ErrorBody>("GET", path);
      assert.equal(res.status, 400, `${path} -> ${res.text}`);
      assert.equal(res.body.code, "invalid_argument");
      assert.equal(res.body.field, field, res.text);
    }
    const cordon = await hub.api<ErrorBody>("POST", "/api/corral/v1/nodes/n1/cordon?cluster=");
    assert.deepEqual(
      [cordon.status, cordon.body.field],
      [400, "cluster"],
      "the cluster query of node routes too",
    );
  });

  it("answers malformed JSON with 400 and unknown routes with 404 in the native error shape", async () => {
    const res = await fetch(`${hub.hub.httpUrl}/api/corral/v1/workloads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${userToken}` },
      body: "{not json",
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as ErrorBody).code, "invalid_argument");
    const missing = await hub.api<ErrorBody>("GET", "/api/corral/v1/nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "not_found");
  });

  it("hides other users' workloads from non-admins", async () => {
    const mine = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "admins",
      image: "x",
    });
    assert.equal(mine.status, 201);
    const peek = await hub.api<ErrorBody>(
      "GET",
      `/api/corral/v1/workloads/${mine.body.id}`,
      undefined,
      userToken,
    );
    assert.equal(peek.status, 403);
    const prefix = await hub.api<{ id: string }>(
      "GET",
      `/api/corral/v1/workloads/${mine.body.id.slice(0, 8)}`,
    );
    assert.equal(prefix.body.id, mine.body.id, "an unambiguous id prefix works");
    await hub.api("POST", `/api/corral/v1/workloads/${mine.body.id}/stop`);
  });

  it("refuses an agent stream with a forged node credential (UNAUTHENTICATED)", async () => {
    // Over TLS with the hub's CA, as the transport now requires (no client certificate either).
    const client = agentLinkClient(hub);
    const md = new Metadata();
    md.set("authorization", "Bearer 00000000-0000-0000-0000-000000000000.forged");
    const call = client.connect(md);
    const err = await new Promise<{ code: number }>((resolve) => {
      call.on("data", (_m: HubMessage) => undefined);
      call.on("error", resolve);
    });
    assert.equal(err.code, status.UNAUTHENTICATED);
    client.close();
  });
});
