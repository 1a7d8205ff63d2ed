import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const V1 = "/api/corral/v1";

/** A raw request with the session cookie (and Origin) as a browser would send them. */
async function withCookie(
  hub: TestHub,
  method: string,
  path: string,
  cookie: string,
  opts: { origin?: string; body?: unknown } = {},
): Promise<{ status: number; body: { code?: string; username?: string } }> {
  const headers: Record<string, string> = { cookie };
  if (opts.origin) headers.origin = opts.origin;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${hub.hub.httpUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

async function signIn(hub: TestHub, username: string, password: string) {
  const res = await fetch(`${hub.hub.httpUrl}${V1}/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers.get("set-cookie") ?? "";
  return {
    status: res.status,
    setCookie,
    cookie: setCookie.split(";")[0] as string,
    body: (await res.json()) as { user?: unknown },
  };
}

describe("integration: native API additions for the web console", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let agent: RunningAgent;

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "gpu-a", hardware: fakeHardware({ gpus: fakeGpus(2) }) });
    await agent.welcomed();
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  describe("session cookie", () => {
    it("signs in with an HTTP-only, SameSite=Strict cookie and no token in the answer", async () => {
      const s = await signIn(hub, ADMIN.username, ADMIN.password);
      assert.equal(s.status, 200);
      assert.match(s.setCookie, /^corral_session=[^;]+;/);
      assert.match(s.setCookie, /httponly/i);
      assert.match(s.setCookie, /samesite=strict/i);
      assert.match(s.setCookie, /path=\//i);
      assert.deepEqual(s.body.user, { username: "admin", admin: true });
      assert.equal(JSON.stringify(s.body).includes(s.cookie.split("=")[1] as string), false);
      const me = await withCookie(hub, "GET", `${V1}/auth/me`, s.cookie);
      assert.equal(me.status, 200);
      assert.equal(me.body.username, "admin");
    });

    it("refuses a wrong password with the login's 401", async () => {
      const s = await signIn(hub, ADMIN.username, "wrong-password");
      assert.equal(s.status, 401);
      assert.equal(s.setCookie, "");
    });

    it("takes cookie-authenticated writes only from the hub's own origin (CSRF)", async () => {
      const s = await signIn(hub, ADMIN.username, ADMIN.password);
      const body = { name: "csrf", labelSelector: ["zone=x"] };
      const none = await withCookie(hub, "POST", `${V1}/node-pools`, s.cookie, { body });
      assert.equal(none.status, 401);
      const evil = await withCookie(hub, "POST", `${V1}/node-pools`, s.cookie, {
        body,
        origin: "https://evil.example",
      });
      assert.equal(evil.status, 401);
      assert.equal(evil.body.code, "unauthenticated");
      const own = await withCookie(hub, "POST", `${V1}/node-pools`, s.cookie, {
        body,
        origin: hub.hub.httpUrl,
      });
      assert.equal(own.status, 201);
    });

    it("is not a credential on the other surfaces", async () => {
      const s = await signIn(hub, ADMIN.username, ADMIN.password);
      const runai = await withCookie(hub, "GET", "/api/v1/org-unit/projects", s.cookie);
      assert.equal(runai.status, 401);
    });

    it("signs out: the cookie is cleared and its token revoked", async () => {
      const s = await signIn(hub, ADMIN.username, ADMIN.password);
      const res = await fetch(`${hub.hub.httpUrl}${V1}/session`, {
        method: "DELETE",
        headers: { cookie: s.cookie, origin: hub.hub.httpUrl },
      });
      assert.equal(res.status, 204);
      assert.match(res.headers.get("set-cookie") ?? "", /corral_session=;.*expires=Thu, 01 Jan 1970/i);
      const me = await withCookie(hub, "GET", `${V1}/auth/me`, s.cookie);
      assert.equal(me.status, 401);
    });
  });

  describe("users (admin)", () => {
    it("creates, lists, makes admin, disables and resets a password; never shows a hash", async () => {
      const created = await hub.api<{ username: string; admin: boolean; status: string }>(
        "POST",
        `${V1}/users`,
        { username: "alice", password: "alice-password-1" },
      );
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(
        [created.body.username, created.body.admin, created.body.status],
        ["alice", false, "active"],
      );
      assert.equal(created.text.includes("passwordHash"), false);
      const dup = await hub.api("POST", `${V1}/users`, { username: "alice", password: "alice-password-1" });
      assert.equal(dup.status, 409);
      const short = await hub.api<{ field: string }>("POST", `${V1}/users`, {
        username: "bob",
        password: "x",
      });
      assert.equal(short.status, 400);
      assert.equal(short.body.field, "password");

      const login = await hub.api<{ token: string }>(
        "POST",
        `${V1}/auth/login`,
        { username: "alice", password: "alice-password-1" },
        null,
      );
      const alice = login.body.token;
      assert.equal((await hub.api("GET", `${V1}/users`, undefined, alice)).status, 403, "not for a user");

      const list = await hub.api<{ items: { username: string }[] }>("GET", `${V1}/users`);
      const names = list.body.items.map((u) => u.username);
      assert.ok(names.includes("admin") && names.includes("alice"), names.join());

      const promoted = await hub.api<{ admin: boolean }>("PATCH", `${V1}/users/alice`, { admin: true });
      assert.equal(promoted.body.admin, true);
      assert.equal((await hub.api("GET", `${V1}/users`, undefined, alice)).status, 200, "now an admin");

      const reset = await hub.api("POST", `${V1}/users/alice/password`, { password: "alice-password-2" });
      assert.equal(reset.status, 200);
      assert.equal((await hub.api("GET", `${V1}/auth/me`, undefined, alice)).status, 401, "signed out");
      const again = await hub.api<{ token: string }>(
        "POST",
        `${V1}/auth/login`,
        { username: "alice", password: "alice-password-2" },
        null,
      );
      assert.equal(again.status, 200);

      const disabled = await hub.api<{ status: string }>("PATCH", `${V1}/users/alice`, {
        status: "disabled",
      });
      assert.equal(disabled.body.status, "disabled");
      assert.equal((await hub.api("GET", `${V1}/auth/me`, undefined, again.body.token)).status, 403);
      const enabled = await hub.api<{ status: string }>("PATCH", `${V1}/users/alice`, { status: "active" });
      assert.equal(enabled.body.status, "active");
    });

    it("will not let an admin demote or disable themself", async () => {
      const res = await hub.api<{ code: string }>("PATCH", `${V1}/users/admin`, { admin: false });
      assert.equal(res.status, 409);
      assert.equal((await hub.api("PATCH", `${V1}/users/admin`, { status: "disabled" })).status, 409);
    });
  });

  it("answers a node's stored samples with every GPU's utilisation and temperature", async () => {
    const items = await waitFor(async () => {
      const r = await hub.api<{ items: { at: string; gpus: { uuid: string; temperatureC: number }[] }[] }>(
        "GET",
        `${V1}/nodes/gpu-a/metrics`,
      );
      return r.status === 200 && r.body.items.length >= 2 ? r.body.items : null;
    }, "two metric samples of gpu-a");
    const last = items[items.length - 1]!;
    assert.deepEqual(
      last.gpus.map((g) => [g.uuid, g.temperatureC]),
      fakeGpus(2).map((g) => [g.uuid, 30]),
    );
    assert.ok(Date.parse(items[0]!.at) <= Date.parse(last.at), "oldest first");
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await hub.api<{ items: unknown[] }>("GET", `${V1}/nodes/gpu-a/metrics?from=${future}`);
    assert.deepEqual(none.body.items, []);
    const bad = await hub.api<{ field: string }>("GET", `${V1}/nodes/gpu-a/metrics?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "from");
  });

  it("lists recent events: all for an admin, only their own for a user", async () => {
    await hub.api("POST", `${V1}/users`, { username: "carol", password: "carol-password-1" });
    const carol = (
      await hub.api<{ token: string }>(
        "POST",
        `${V1}/auth/login`,
        { username: "carol", password: "carol-password-1" },
        null,
      )
    ).body.token;
    const mine = await hub.api<{ id: string }>(
      "POST",
      `${V1}/workloads`,
      { name: "carols", image: "fake" },
      carol,
    );
    const admins = await hub.api<{ id: string }>("POST", `${V1}/workloads`, {
      name: "admins",
      image: "fake",
    });
    await waitFor(async () => {
      const r = await hub.api<{ items: { workloadId: string }[] }>("GET", `${V1}/events?limit=100`);
      const ids = new Set(r.body.items.map((e) => e.workloadId));
      return ids.has(mine.body.id) && ids.has(admins.body.id) ? true : null;
    }, "events of both workloads");
    const own = await hub.api<{ items: { workloadId: string; workload: string }[] }>(
      "GET",
      `${V1}/events?limit=100`,
      undefined,
      carol,
    );
    assert.ok(own.body.items.length > 0);
    assert.deepEqual([...new Set(own.body.items.map((e) => e.workload))], ["carols"]);
  });

  it("shows each quota unit's deserved, limit and allocated per node pool", async () => {
    const core = hub.hub.core;
    const pool = core.nodePools.defaultPool();
    core.quotaUnits.create({
      kind: "project",
      name: "team-q",
      allocations: [
        {
          nodePoolId: pool.id,
          gpu: { deserved: 1, limit: 2, overQuotaWeight: 1 },
          cpuMilli: { deserved: 0, limit: null, overQuotaWeight: 1 },
          memoryMiB: { deserved: 0, limit: null, overQuotaWeight: 1 },
        },
      ],
    });
    const w = await hub.api("POST", `${V1}/workloads`, {
      name: "q-work",
      image: "fake",
      quotaUnit: "project/team-q",
      resources: { gpu: 1 },
    });
    assert.equal(w.status, 201, w.text);
    type Unit = { name: string; kind: string; pools: { nodePool: string; gpu: Record<string, unknown> }[] };
    const unit = await waitFor(async () => {
      const r = await hub.api<{ items: Unit[] }>("GET", `${V1}/quota-units`);
      const u = r.body.items.find((x) => x.name === "team-q");
      return u && u.pools[0]?.gpu.allocated === 1 ? u : null;
    }, "team-q holding one GPU");
    // The fair share: what the scheduler would give it now (its deserved GPU at least; never
    // above its limit).
    const fair = Number(unit.pools[0]?.gpu.fairShare);
    assert.ok(fair >= 1 && fair <= 2, `gpu fair share ${fair}`);
    const withoutFair = unit.pools.map((p) => ({
      ...p,
      ...Object.fromEntries(
        (["gpu", "cpuMilli", "memoryMiB"] as const).map((r) => {
          const { fairShare, ...rest } = (p as unknown as Record<string, Record<string, unknown>>)[
            r
          ] as Record<string, unknown>;
          assert.equal(typeof fairShare, "number");
          return [r, rest];
        }),
      ),
    }));
    assert.deepEqual(withoutFair, [
      {
        nodePool: "default",
        gpu: { deserved: 1, limit: 2, overQuotaWeight: 1, allocated: 1 },
        cpuMilli: { deserved: 0, limit: null, overQuotaWeight: 1, allocated: 0 },
        memoryMiB: { deserved: 0, limit: null, overQuotaWeight: 1, allocated: 0 },
      },
    ]);
  });

  it("lets an admin edit a unit's quota in one pool, with the core's refusals as 400s", async () => {
    const unit = hub.hub.core.quotaUnits.byName("project", "team-q")!;
    const url = `${V1}/quota-units/${unit.id}/pools/default`;
    type Pool = {
      nodePool: string;
      gpu: { deserved: number; limit: number | null };
      cpuMilli: { deserved: number };
    };
    const ok = await hub.api<{ pools: Pool[] }>("PUT", url, {
      gpu: { limit: null },
      cpuMilli: { deserved: 4000 },
    });
    assert.equal(ok.status, 200, ok.text);
    const pool = ok.body.pools.find((p) => p.nodePool === "default")!;
    assert.deepEqual([pool.gpu.deserved, pool.gpu.limit, pool.cpuMilli.deserved], [1, null, 4000]);
    const bad = await hub.api<{ field: string; message: string }>("PUT", url, {
      gpu: { deserved: 3, limit: 2 },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.field, /gpu\.limit$/);
    assert.match(bad.body.message, /must be unlimited or >= deserved/);
    const login = await hub.api<{ token: string }>(
      "POST",
      `${V1}/auth/login`,
      { username: "carol", password: "carol-password-1" },
      null,
    );
    assert.equal((await hub.api("PUT", url, { gpu: { deserved: 5 } }, login.body.token)).status, 403);
    assert.equal((await hub.api("PUT", `${V1}/quota-units/${unit.id}/pools/nope`, {})).status, 404);
  });

  it("tells the console the agents' port for install commands", async () => {
    const res = await hub.api<{ agentPort: number }>("GET", `${V1}/hub`, undefined, null);
    assert.equal(res.status, 200);
    assert.equal(String(res.body.agentPort), hub.hub.grpcAddress.split(":").pop());
  });
});
