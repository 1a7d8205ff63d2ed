import assert from "node:assert/strict";
import { Harness, ttyTyping } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN, joinToken } from "./fixtures";

describe("corral token", () => {
  let hub: StubHub;
  let h: Harness;

  beforeEach(async () => {
    hub = await new StubHub().start();
    hub.on("GET", "/join-tokens", {
      json: { items: [joinToken("aa11-0001"), joinToken("aa22-0002"), joinToken("bb33-0003")] },
    });
    hub.on("DELETE", "/join-tokens/aa22-0002", {
      json: joinToken("aa22-0002", { valid: false, revokedAt: "x" }),
    });
    h = new Harness();
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = TOKEN;
  });

  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("create sends ttlSeconds and prints only the secret on stdout", async () => {
    hub.on("POST", "/join-tokens", { status: 201, json: { ...joinToken("cc44"), token: "join-secret" } });
    const r = await h.run([
      "token",
      "create",
      "--description",
      "rack 4",
      "--ttl",
      "90m",
      "--cluster",
      "edge",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/join-tokens").body, {
      description: "rack 4",
      ttlSeconds: 5400,
      cluster: "edge",
    });
    assert.equal(r.stdout, "join-secret\n");
    assert.match(r.stderr, /shown only once/);
  });

  it("create sends each --allow-label as allowedLabels", async () => {
    hub.on("POST", "/join-tokens", { status: 201, json: { ...joinToken("cc45"), token: "join-secret" } });
    const r = await h.run(["token", "create", "--allow-label", "zone=*", "--allow-label", "gpu"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/join-tokens").body, { allowedLabels: ["zone=*", "gpu"] });
  });

  it("create with a bad --ttl is a usage error and sends nothing", async () => {
    const r = await h.run(["token", "create", "--ttl", "10"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad duration "10"/);
    assert.equal(hub.requests.length, 0);
  });

  it("list prints short ids and states", async () => {
    const r = await h.run(["token", "list"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ID\s+DESCRIPTION\s+CLUSTER\s+STATE\s+AGE\s+EXPIRES\s+LAST USED\n/);
    assert.match(r.stdout, /^aa11-000\s+token aa11-0001\s+-\s+valid\s+5h/m);
  });

  it("revoke resolves a unique prefix client-side and deletes the full id", async () => {
    const r = await h.run(["token", "revoke", "aa2", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    hub.only("DELETE", "/join-tokens/aa22-0002");
    assert.equal(r.stdout, "Revoked join token aa22-0002\n");
  });

  it("revoke with an ambiguous prefix exits 2 naming the candidates; no match exits 3", async () => {
    const amb = await h.run(["token", "revoke", "aa", "--yes"]);
    assert.equal(amb.code, 2);
    assert.match(amb.stderr, /aa11-0001, aa22-0002/);
    const none = await h.run(["token", "revoke", "zz", "--yes"]);
    assert.equal(none.code, 3);
    assert.equal(hub.requests.filter((q) => q.method === "DELETE").length, 0);
  });

  it("revoke without --yes off a terminal exits 2 before calling the hub", async () => {
    const r = await h.run(["token", "revoke", "aa2"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass --yes/);
    assert.equal(hub.requests.length, 0);
  });

  it("revoke on a terminal asks, and a 'no' changes nothing", async () => {
    const r = await h.run(["token", "revoke", "aa2"], ttyTyping("n\n"));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Revoke join token aa22-000 \(token aa22-0002\)\? \[y\/N\]/);
    assert.equal(hub.requests.filter((q) => q.method === "DELETE").length, 0);
  });
});
