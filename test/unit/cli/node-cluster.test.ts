import assert from "node:assert/strict";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN, cluster, node } from "./fixtures";

describe("corral node / cluster", () => {
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

  it("node list prints a table with the documented headers", async () => {
    hub.on("GET", "/nodes", {
      json: { items: [node(), node({ name: "edge-7", schedulable: false, labels: [] })] },
    });
    const r = await h.run(["node", "list"]);
    assert.equal(r.code, 0, r.stderr);
    const [header, first, second] = r.stdout.split("\n");
    assert.deepEqual(header?.split(/\s+/), [
      "NAME",
      "CLUSTER",
      "STATUS",
      "SCHEDULABLE",
      "GPUS",
      "CPU",
      "MEMORY",
      "LABELS",
    ]);
    assert.deepEqual(first?.split(/\s+/), [
      "gpu-01",
      "default",
      "ready",
      "yes",
      "1/2",
      "2/16",
      "1Gi/62.5Gi",
      "gpu,zone=a",
    ]);
    assert.match(second ?? "", /^edge-7 .* no \(cordoned\) .* -$/);
  });

  it("node list --json prints the API JSON unchanged, and passes --cluster as a query", async () => {
    const body = { items: [node()] };
    hub.on("GET", "/nodes", { json: body });
    const r = await h.run(["node", "list", "--json", "--cluster", "edge"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), body);
    assert.equal(hub.only("GET", "/nodes").query.get("cluster"), "edge");
  });

  it("node show lists every GPU with UUID and MIG slices, disks, NICs, OS and runtime error", async () => {
    hub.on("GET", "/nodes/gpu-01", { json: node() });
    const r = await h.run(["node", "show", "gpu-01"]);
    assert.equal(r.code, 0, r.stderr);
    for (const expected of [
      /^Name:\s+gpu-01$/m,
      /^Runtime:\s+docker, unavailable: cannot connect to \/var\/run\/docker\.sock$/m,
      /^OS:\s+Debian GNU\/Linux 12 \(linux\/x64, kernel 6\.1\.0/m,
      /^GPUs:\s+2 \(driver 535\.54\.03, CUDA 12\.2\)$/m,
      /GPU-aaaa .*enabled/,
      /MIG 1g\.10gb .*MIG-bbbb .*of GPU-aaaa/,
      /GPU-cccc/,
      /\/dev\/sda1 +\/ +ext4 +20Gi +500Gi/,
      /eth0 +10\.0\.0\.5 +aa:bb:cc:dd:ee:ff +1000Mbps +no/,
    ]) {
      assert.match(r.stdout, expected);
    }
  });

  it("node show flags a hardware change and a pending replace, and only then", async () => {
    hub.on("GET", "/nodes/gpu-01", {
      json: node({ hardwareChangedAt: new Date().toISOString(), replacePending: true }),
    });
    const r = await h.run(["node", "show", "gpu-01"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Hardware changed:\s+\S/m);
    assert.match(r.stdout, /^Replace pending:\s+yes/m);
    hub.on("GET", "/nodes/gpu-02", { json: node({ name: "gpu-02" }) });
    const plain = await h.run(["node", "show", "gpu-02"]);
    assert.doesNotMatch(plain.stdout, /Hardware changed|Replace pending/);
  });

  it("node show of an unknown node exits 3 with the hub's message", async () => {
    hub.on("GET", "/nodes/nope", { status: 404, json: { code: "not_found", message: "no node nope" } });
    const r = await h.run(["node", "show", "nope"]);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, "Error: no node nope\n");
    assert.equal(r.stdout, "");
  });

  it("node label add posts the label; remove URL-encodes it in the path", async () => {
    hub.on("POST", "/nodes/gpu-01/labels", { json: node() });
    hub.on("DELETE", "/nodes/gpu-01/labels/zone%3Da", { json: node({ labels: ["gpu"] }) });
    const add = await h.run(["node", "label", "add", "gpu-01", "zone=a"]);
    assert.equal(add.code, 0, add.stderr);
    assert.deepEqual(hub.only("POST", "/nodes/gpu-01/labels").body, { label: "zone=a" });
    const rm = await h.run(["node", "label", "remove", "gpu-01", "zone=a"]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, "Labels on node gpu-01: gpu\n");
  });

  it("node cordon / uncordon post to their routes", async () => {
    hub.on("POST", "/nodes/gpu-01/cordon", { json: node({ schedulable: false }) });
    hub.on("POST", "/nodes/gpu-01/uncordon", { json: node() });
    assert.equal((await h.run(["node", "cordon", "gpu-01"])).stdout, "Node gpu-01 is cordoned\n");
    assert.equal((await h.run(["node", "uncordon", "gpu-01"])).stdout, "Node gpu-01 is schedulable\n");
  });

  it("node drain posts to its route and says how many tasks move", async () => {
    hub.on("POST", "/nodes/gpu-01/drain", {
      json: { ...node({ schedulable: false }), evicted: 3, pinned: 1 },
    });
    const r = await h.run(["node", "drain", "gpu-01"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Node gpu-01 is cordoned; 3 task(s) moving to other nodes, 1 pinned to it stay\n");
  });

  it("node replace posts to its route with --cluster as a query", async () => {
    hub.on("POST", "/nodes/gpu-01/replace", { json: node() });
    const r = await h.run(["node", "replace", "gpu-01", "--cluster", "edge"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "Node gpu-01: credential revoked; the next agent joining as gpu-01 takes it over\n",
    );
    assert.equal(hub.only("POST", "/nodes/gpu-01/replace").query.get("cluster"), "edge");
  });

  it("cluster list prints a table; cluster label add/remove encode the label", async () => {
    hub.on("GET", "/clusters", { json: { items: [cluster({ labels: ["site=berlin"] })] } });
    hub.on("POST", "/clusters/edge%20one/labels", { json: cluster({ name: "edge one", labels: ["a/b"] }) });
    hub.on("DELETE", "/clusters/edge%20one/labels/a%2Fb", { json: cluster({ name: "edge one" }) });
    const list = await h.run(["cluster", "list"]);
    assert.match(list.stdout, /^NAME\s+NODES\s+READY\s+LABELS\s+AGE\ndefault\s+2\s+1\s+site=berlin\s+3d\n$/);
    assert.equal((await h.run(["cluster", "label", "add", "edge one", "a/b"])).code, 0);
    assert.deepEqual(hub.only("POST", "/clusters/edge%20one/labels").body, { label: "a/b" });
    assert.equal((await h.run(["cluster", "label", "remove", "edge one", "a/b"])).code, 0);
  });
});
