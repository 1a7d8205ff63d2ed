import assert from "node:assert/strict";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN, node } from "./fixtures";

describe("corral node taint", () => {
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

  it("puts the taints kubectl-style, with --cluster as a query, and prints what the node has", async () => {
    const taints = [
      { key: "dedicated", value: "inference", effect: "NoSchedule" },
      { key: "maintenance", value: "", effect: "NoExecute" },
    ];
    hub.on("PUT", "/nodes/gpu-01/taints", { json: { ...node(), taints, evicted: 2 } });
    const r = await h.run([
      "node",
      "taint",
      "gpu-01",
      "dedicated=inference:NoSchedule",
      "maintenance:NoExecute",
      "--cluster",
      "edge",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const call = hub.only("PUT", "/nodes/gpu-01/taints");
    assert.deepEqual(call.body, { taints });
    assert.equal(call.query.get("cluster"), "edge");
    assert.equal(
      r.stdout,
      "Taints on node gpu-01: dedicated=inference:NoSchedule, maintenance:NoExecute; 2 task(s) evicted\n",
    );
  });

  it("--clear puts an empty list", async () => {
    hub.on("PUT", "/nodes/gpu-01/taints", { json: { ...node(), taints: [], evicted: 0 } });
    const r = await h.run(["node", "taint", "gpu-01", "--clear"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("PUT", "/nodes/gpu-01/taints").body, { taints: [] });
    assert.equal(r.stdout, "Taints on node gpu-01: none\n");
  });

  it("refuses a taint without a known effect, and no taints without --clear (exit 2)", async () => {
    const bad = await h.run(["node", "taint", "gpu-01", "dedicated=x:Sometimes"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /key\[=value\]:Effect/);
    assert.equal((await h.run(["node", "taint", "gpu-01"])).code, 2);
  });
});
