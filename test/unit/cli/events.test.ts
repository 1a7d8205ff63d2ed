import assert from "node:assert/strict";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN } from "./fixtures";

describe("corral events", () => {
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

  it("prints the hub's recent events as a table and passes --limit on", async () => {
    hub.on("GET", "/events", {
      json: {
        items: [
          {
            at: "2026-12-01T10:00:00.000Z",
            workload: "train",
            type: "Normal",
            reason: "Scheduled",
            message: "on gpu-01",
          },
          {
            at: "2026-12-01T10:00:01.000Z",
            workload: null,
            type: "Warning",
            reason: "Evicted",
            message: "node drained",
          },
        ],
      },
    });
    const r = await h.run(["events", "--limit", "2"]);
    assert.equal(r.code, 0, r.stderr);
    const [header, first, second] = r.stdout.split("\n");
    assert.deepEqual(header?.split(/\s+/), ["AT", "WORKLOAD", "TYPE", "REASON", "MESSAGE"]);
    assert.match(first ?? "", /train\s+Normal\s+Scheduled\s+on gpu-01/);
    assert.match(second ?? "", /-\s+Warning\s+Evicted\s+node drained/);
    assert.equal(hub.only("GET", "/events").query.get("limit"), "2");
  });
});
