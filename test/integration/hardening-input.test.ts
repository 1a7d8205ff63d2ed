/**
 * Bad input gets a 4xx, never a 5xx and never a changed hub: prototype keys in queries and paths,
 * names longer than core allows, and invisible (bidi / zero-width) characters in names and labels.
 */
import assert from "node:assert/strict";
import { MAX_NAME_LENGTH } from "../../hub/core/names";
import { MAX_LOG_TAIL_LINES } from "../../hub/core/workloads";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";
import type { RunningAgent } from "../../agent/agent";

const v1Job = (jobName: string) => ({
  jobName,
  image: "corral-test/busybox:1",
  taskRoles: [{ name: "main", taskNumber: 1, cpuNumber: 1, memoryMB: 64, gpuNumber: 0, command: "true" }],
});

describe("integration: bad input is a 4xx and changes nothing", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let agent: RunningAgent;
  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "in-n1" });
    await waitFor(() => hub.hub.core.nodes.list().some((n) => n.status === "ready"), "node ready");
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("sort keys that name prototype members are refused (OpenPAI order, Run:ai sortBy)", async () => {
    for (const url of [
      "/api/v2/jobs?order=__proto__,ASC",
      "/api/v2/jobs?order=constructor,DESC",
      "/api/v1/org-unit/projects?sortBy=__proto__",
      "/api/v1/org-unit/projects?sortBy=toString",
      "/api/v1/org-unit/projects?filterBy=__proto__==x",
    ]) {
      const got = await hub.api("GET", url);
      assert.equal(got.status, 400, `${url}: ${got.text}`);
    }
  });

  it("a group extension path through __proto__ is refused and pollutes nothing", async () => {
    for (const path of ["__proto__/polluted", "constructor/prototype/polluted", "a/__proto__/polluted"]) {
      const got = await hub.api("PUT", `/api/v2/group/default/extension/${path}`, { data: "yes" });
      assert.equal(got.status, 400, `${path}: ${got.text}`);
    }
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    const me = await hub.api<Record<string, unknown>>("GET", "/api/v2/users/admin");
    assert.equal(me.status, 200, me.text);
    assert.ok(!JSON.stringify(me.body).includes("polluted"));
  });

  it("names longer than core allows are refused (OpenPAI v1 job names have no length rule of their own)", async () => {
    const long = "a".repeat(MAX_NAME_LENGTH + 1);
    const v1 = await hub.api("POST", "/api/v1/jobs", v1Job("b".repeat(1024 * 1024)));
    assert.equal(v1.status, 400, v1.text.slice(0, 300));
    const v1b = await hub.api("POST", "/api/v1/jobs", v1Job(long));
    assert.equal(v1b.status, 400, v1b.text.slice(0, 300));
    assert.equal(
      hub.hub.core.workloads.list().filter((w) => w.name.length > MAX_NAME_LENGTH).length,
      0,
      "nothing stored",
    );
  });

  it("bidi and zero-width characters are refused in workload names and labels", async () => {
    const trojan = "train\u202Egnp.exe";
    const got = await hub.api("POST", "/api/v1/jobs", v1Job(trojan));
    assert.equal(got.status, 400, got.text);
    const node = hub.hub.core.nodes.list()[0];
    assert.ok(node);
    for (const label of ["gpu\u200B", "zone=\u2066a", "\uFEFFbom"]) {
      const res: { status: number; text: string } = await hub.api(
        "POST",
        `/api/corral/v1/nodes/${node.name}/labels`,
        { label },
      );
      assert.equal(res.status, 400, `${JSON.stringify(label)}: ${res.text}`);
    }
    assert.ok(!hub.hub.core.nodes.list().some((n) => n.labels.some((l) => /[\u200B\u2066\uFEFF]/.test(l))));
  });

  it("logs?tail past the cap is a clear 400, not a hang", async () => {
    const w = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "tail",
      image: "corral-test/busybox:1",
      command: ["true"],
    });
    assert.equal(w.status, 201, w.text);
    for (const tail of ["1e12", String(MAX_LOG_TAIL_LINES + 1)]) {
      const started = Date.now();
      const res: { status: number; text: string } = await hub.api(
        "GET",
        `/api/corral/v1/workloads/${w.body.id}/tasks/0/logs?tail=${tail}`,
      );
      assert.equal(res.status, 400, `${tail}: ${res.text}`);
      assert.ok(Date.now() - started < 2_000);
    }
  });
});
