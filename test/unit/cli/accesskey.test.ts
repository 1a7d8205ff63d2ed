import assert from "node:assert/strict";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN } from "./fixtures";

const key = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  username: "admin",
  description: "ci",
  status: "active",
  createdAt: "2026-11-23T16:00:00.000Z",
  ...extra,
});

describe("corral accesskey", () => {
  let hub: StubHub;
  let h: Harness;

  beforeEach(async () => {
    hub = await new StubHub().start();
    hub.on("GET", "/access-keys", {
      json: { items: [key("AKAA0000000000000001"), key("AKBB0000000000000002")] },
    });
    h = new Harness();
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = TOKEN;
  });

  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("create sends the description and user and prints the AK and SK on stdout", async () => {
    hub.on("POST", "/access-keys", {
      status: 201,
      json: key("AKCC0000000000000003", { secret: "S".repeat(40) }),
    });
    const r = await h.run(["accesskey", "create", "--description", "scripts", "--user", "alice"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/access-keys").body, { description: "scripts", username: "alice" });
    assert.equal(r.stdout, `AKCC0000000000000003\n${"S".repeat(40)}\n`);
    assert.match(r.stderr, /shown only once/);
  });

  it("list prints a table without secrets, and --json the hub's JSON", async () => {
    const r = await h.run(["accesskey", "list"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ACCESS KEY\s+USER/);
    assert.match(r.stdout, /AKAA0000000000000001\s+admin\s+ci\s+active/);
    const j = await h.run(["accesskey", "list", "--json"]);
    assert.equal(JSON.parse(j.stdout).items.length, 2);
  });

  it("delete resolves a unique prefix and needs --yes off a terminal", async () => {
    hub.on("DELETE", "/access-keys/AKBB0000000000000002", { json: key("AKBB0000000000000002") });
    const refused = await h.run(["accesskey", "delete", "AKBB"]);
    assert.equal(refused.code, 2);
    const r = await h.run(["accesskey", "delete", "AKBB", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Deleted access key AKBB0000000000000002\n");
    const ambiguous = await h.run(["accesskey", "delete", "AK", "--yes"]);
    assert.notEqual(ambiguous.code, 0);
  });
});
