import assert from "node:assert/strict";
import { TOKEN } from "./fixtures";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";

const pool = (over: Record<string, unknown> = {}) => ({
  id: "p1",
  name: "a100",
  labelSelector: ["gpu=a100"],
  nodes: ["gpu-01", "gpu-02"],
  capacity: { cpuMilli: 64000, memoryMiB: 524288, gpu: 16 },
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("corral nodepool", () => {
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

  it("list prints a table; --json the hub's JSON", async () => {
    hub.on("GET", "/node-pools", { json: { items: [pool({ name: "default", labelSelector: [] }), pool()] } });
    const r = await h.run(["nodepool", "list"]);
    assert.equal(r.code, 0, r.stderr);
    const [header, , second] = r.stdout.split("\n");
    assert.deepEqual(header?.split(/\s+/), ["NAME", "SELECTOR", "NODES", "GPUS", "CPU"]);
    assert.deepEqual(second?.split(/\s+/), ["a100", "gpu=a100", "2", "16", "64"]);
    const j = await h.run(["nodepool", "list", "--json"]);
    assert.equal(JSON.parse(j.stdout).items.length, 2);
  });

  it("create sends the name and every selector label", async () => {
    hub.on("POST", "/node-pools", { status: 201, json: pool({ labelSelector: ["gpu=a100", "site=lyon"] }) });
    const r = await h.run(["nodepool", "create", "a100", "-s", "gpu=a100", "--selector", "site=lyon"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/node-pools").body, {
      name: "a100",
      labelSelector: ["gpu=a100", "site=lyon"],
    });
  });

  it("show prints the pool's nodes; an unknown pool exits 3", async () => {
    hub.on("GET", "/node-pools/a100", { json: pool() });
    const r = await h.run(["nodepool", "show", "a100"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Nodes: gpu-01, gpu-02/);
    hub.on("GET", "/node-pools/nope", {
      status: 404,
      json: { code: "not_found", message: "node pool nope not found" },
    });
    assert.equal((await h.run(["nodepool", "show", "nope"])).code, 3);
  });

  it("delete needs --yes off a terminal and then deletes", async () => {
    hub.on("DELETE", "/node-pools/a100", { json: pool() });
    const r = await h.run(["nodepool", "delete", "a100", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Deleted node pool a100/);
    hub.only("DELETE", "/node-pools/a100");
  });
});
