import assert from "node:assert/strict";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN } from "./fixtures";

const user = (username: string, extra: Record<string, unknown> = {}) => ({
  id: `id-${username}`,
  username,
  admin: false,
  status: "active",
  email: "",
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
  ...extra,
});

describe("corral user", () => {
  let hub: StubHub;
  let h: Harness;

  beforeEach(async () => {
    hub = await new StubHub().start();
    h = new Harness();
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = TOKEN;
  });
  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("list prints a table of users with role and status", async () => {
    hub.on("GET", "/users", {
      json: { items: [user("admin", { admin: true }), user("bob", { status: "disabled" })] },
    });
    const r = await h.run(["user", "list"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0] as string, /^USERNAME\s+ROLE\s+STATUS\s+AGE$/);
    assert.match(lines[1] as string, /^admin\s+admin\s+active/);
    assert.match(lines[2] as string, /^bob\s+user\s+disabled/);
  });

  it("create reads the password from stdin when not given and sends admin", async () => {
    hub.on("POST", "/users", { status: 201, json: user("alice", { admin: true }) });
    const r = await h.run(["user", "create", "alice", "--admin"], "alice-password-1\n");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/users").body, {
      username: "alice",
      password: "alice-password-1",
      admin: true,
    });
    assert.equal(r.stdout, "Created admin alice\n");
  });

  it("set sends only what changes; --no-admin and --disable together", async () => {
    hub.on("PATCH", "/users/bob", { json: user("bob", { status: "disabled" }) });
    const r = await h.run(["user", "set", "bob", "--no-admin", "--disable"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("PATCH", "/users/bob").body, { admin: false, status: "disabled" });
    assert.equal(r.stdout, "bob: user, disabled\n");
  });

  it("set without a change, or with --disable and --enable, is a usage error", async () => {
    assert.equal((await h.run(["user", "set", "bob"])).code, 2);
    assert.equal((await h.run(["user", "set", "bob", "--disable", "--enable"])).code, 2);
  });

  it("passwd posts the new password", async () => {
    hub.on("POST", "/users/bob/password", { json: user("bob") });
    const r = await h.run(["user", "passwd", "bob", "--password", "new-password-1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/users/bob/password").body, { password: "new-password-1" });
    assert.match(r.stdout, /logins are revoked/);
  });
});

describe("corral node metrics, corral quota list", () => {
  let hub: StubHub;
  let h: Harness;

  beforeEach(async () => {
    hub = await new StubHub().start();
    h = new Harness();
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = TOKEN;
  });
  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("node metrics asks from --since ago and prints one row per GPU per sample", async () => {
    const gpu = (uuid: string, util: number | null, temp: number) => ({
      uuid,
      utilizationPercent: util,
      memoryUsedMiB: 1024,
      temperatureC: temp,
      powerWatts: 50,
    });
    hub.on("GET", "/nodes/gpu-01/metrics", {
      json: {
        items: [
          {
            at: "2026-12-01T10:00:00.000Z",
            cpuPercent: 12.4,
            memoryUsedMiB: 2048,
            load1: 0.1,
            gpus: [gpu("GPU-aaaaaaaa-1", 40, 55), gpu("GPU-bbbbbbbb-2", null, 60)],
          },
        ],
      },
    });
    const r = await h.run(["node", "metrics", "gpu-01", "--since", "10m"]);
    assert.equal(r.code, 0, r.stderr);
    const req = hub.only("GET", "/nodes/gpu-01/metrics");
    // The harness clock reads 2026-11-23T17:00:00Z.
    assert.equal(req.query.get("from"), "2026-11-23T16:50:00.000Z");
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0] as string, /^AT\s+CPU\s+MEMORY\s+GPU\s+UTIL\s+TEMP\s+GPU MEMORY$/);
    assert.match(lines[1] as string, /12%\s+2Gi\s+aaaaaaaa\s+40%\s+55C\s+1Gi$/);
    assert.match(lines[2] as string, /bbbbbbbb\s+-\s+60C/);
  });

  it("quota list prints allocated/deserved (limit) per pool", async () => {
    const q = (deserved: number, limit: number | null, allocated: number) => ({
      deserved,
      limit,
      overQuotaWeight: 1,
      allocated,
    });
    hub.on("GET", "/quota-units", {
      json: {
        items: [
          {
            id: "u1",
            name: "vision",
            kind: "project",
            parent: null,
            cluster: null,
            pools: [
              {
                nodePool: "default",
                gpu: q(2, 4, 1),
                cpuMilli: q(8000, null, 500),
                memoryMiB: q(0, null, 2048),
              },
            ],
          },
          { id: "u2", name: "empty", kind: "department", parent: null, cluster: null, pools: [] },
        ],
      },
    });
    const r = await h.run(["quota", "list"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[1] as string, /^vision\s+project\s+default\s+1\/2 \(limit 4\)\s+500m\/8\s+2Gi\/0Mi$/);
    assert.match(lines[2] as string, /^empty\s+department\s+-/);
  });
});

describe("corral quota set", () => {
  let hub: StubHub;
  let h: Harness;
  const unit = { id: "u1", name: "vision", kind: "project", parent: null, cluster: null, pools: [] };

  beforeEach(async () => {
    hub = await new StubHub().start();
    hub.on("GET", "/quota-units", { json: { items: [unit, { ...unit, id: "u2", kind: "department" }] } });
    h = new Harness();
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = TOKEN;
  });
  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("sends only the amounts given for the pool; none removes a limit", async () => {
    hub.on("PUT", "/quota-units/u1/pools/a100", { json: unit });
    const r = await h.run([
      "quota",
      "set",
      "project/vision",
      "--pool",
      "a100",
      "--gpu",
      "2",
      "--gpu-limit",
      "none",
      "--memory",
      "2Gi",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("PUT", "/quota-units/u1/pools/a100").body, {
      gpu: { deserved: 2, limit: null },
      memoryMiB: { deserved: 2048 },
    });
  });

  it("asks for kind/name when a name is shared, and refuses an empty change", async () => {
    const shared = await h.run(["quota", "set", "vision", "--gpu", "1"]);
    assert.equal(shared.code, 2);
    assert.match(shared.stderr, /project\/vision/);
    assert.equal((await h.run(["quota", "set", "project/vision"])).code, 2);
  });
});
