/**
 * Resource exhaustion: a workload's size, a user's live tasks and submission rate are bounded on
 * every surface (core), and work that names no CPU or memory gets the defaults (request and
 * limit), so two `instances: 1000` workloads are placed only as far as the node holds them.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { DEFAULT_WORKLOAD_LIMITS } from "../../hub/core/workload-limits";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const work = (name: string, instances = 1, extra: Record<string, unknown> = {}) => ({
  name,
  image: "corral-test/busybox:1",
  command: ["sleep", "60"],
  instances,
  ...extra,
});

describe("integration: workload limits and default resources", function () {
  this.timeout(60_000);

  describe("with the default limits", () => {
    let hub: TestHub;
    let agent: RunningAgent;
    before(async () => {
      hub = await startTestHub();
      agent = startTestAgent(hub, { name: "lim-n1" });
      await waitFor(() => hub.hub.core.nodes.list().some((n) => n.status === "ready"), "node ready");
    });
    after(async () => {
      await agent.stop();
      await hub.close();
    });

    it("gives a task that names no CPU or memory the defaults; named ones are kept", async () => {
      const bare = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", work("bare"));
      assert.equal(bare.status, 201, bare.text);
      const role = hub.hub.core.workloads.resolve(bare.body.id).roles[0];
      assert.deepEqual(
        [role?.resources.cpuMilli, role?.resources.memoryMiB],
        [DEFAULT_WORKLOAD_LIMITS.defaultCpuMilli, DEFAULT_WORKLOAD_LIMITS.defaultMemoryMiB],
      );
      const named = await hub.api<{ id: string }>(
        "POST",
        "/api/corral/v1/workloads",
        work("named", 1, { resources: { cpuMilli: 1500, memoryMiB: 700 } }),
      );
      const r2 = hub.hub.core.workloads.resolve(named.body.id).roles[0];
      assert.deepEqual([r2?.resources.cpuMilli, r2?.resources.memoryMiB], [1500, 700]);
    });

    it("two instances: 1000 workloads without resources leave the hub responsive and are placed only as the node holds them", async () => {
      for (const name of ["big1", "big2"]) {
        const res = await hub.api("POST", "/api/corral/v1/workloads", work(name, 1000));
        assert.equal(res.status, 201, res.text);
      }
      hub.hub.scheduleNow();
      const started = Date.now();
      const health = await fetch(`${hub.hub.httpUrl}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(Date.now() - started < 1_000, "healthz answers at once");
      const placed = hub.hub.core.workloads
        .list()
        .filter((w) => w.name.startsWith("big"))
        .flatMap((w) => hub.hub.core.workloads.tasks(w.id))
        .filter((t) => t.nodeId !== null).length;
      // Without default requests every one of the 2000 tasks "fits" (they ask for nothing).
      const cores = hub.hub.core.nodes.list()[0]?.hardware?.cpu.cores ?? 0;
      const fits = Math.floor((cores * 1000) / DEFAULT_WORKLOAD_LIMITS.defaultCpuMilli);
      assert.ok(placed > 0 && placed <= fits, `${placed} of 2000 tasks placed on a ${cores}-core node`);
      // The agent takes its share (the test's 100 ms heartbeat may miss a beat meanwhile) and stays.
      await waitFor(() => hub.hub.core.nodes.list()[0]?.status === "ready", "the agent's link holds", 10_000);
    });

    it("refuses a workload past the tasks-per-workload limit, on the native and OpenPAI surfaces", async () => {
      const pai = await hub.api("POST", "/api/v1/jobs", {
        jobName: "toolarge",
        image: "corral-test/busybox:1",
        taskRoles: [
          { name: "a", taskNumber: 600, cpuNumber: 1, memoryMB: 128, gpuNumber: 0, command: "true" },
          { name: "b", taskNumber: 600, cpuNumber: 1, memoryMB: 128, gpuNumber: 0, command: "true" },
        ],
      });
      assert.equal(pai.status, 400, pai.text);
      assert.match(pai.text, /at most 1000 tasks/);
      assert.ok(!hub.hub.core.workloads.list().some((w) => w.name === "toolarge"));
    });
  });

  describe("with low limits (CORRAL_MAX_LIVE_TASKS_PER_USER, CORRAL_SUBMIT_RATE_PER_MIN)", () => {
    let hub: TestHub;
    before(async () => {
      hub = await startTestHub({
        CORRAL_MAX_LIVE_TASKS_PER_USER: "5",
        CORRAL_SUBMIT_RATE_PER_MIN: "3",
        CORRAL_MAX_TASKS_PER_WORKLOAD: "4",
      });
    });
    after(() => hub.close());

    it("bounds one workload (400), the user's live tasks (403) and the submission rate (429 + Retry-After)", async () => {
      assert.equal((await hub.api("POST", "/api/corral/v1/workloads", work("w5", 5))).status, 400);
      assert.equal((await hub.api("POST", "/api/corral/v1/workloads", work("w1", 3))).status, 201);
      const over = await hub.api("POST", "/api/corral/v1/workloads", work("w2", 3));
      assert.equal(over.status, 403, over.text);
      assert.match(over.text, /unfinished tasks/);
      assert.equal((await hub.api("POST", "/api/corral/v1/workloads", work("w3", 1))).status, 201);
      assert.equal((await hub.api("POST", "/api/corral/v1/workloads", work("w4", 1))).status, 201);
      const res = await fetch(`${hub.hub.httpUrl}/api/corral/v1/workloads`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${hub.adminToken}` },
        body: JSON.stringify(work("w6", 1)),
      });
      // 5 live tasks already: the live-task limit answers (a refused submission is not counted).
      assert.equal(res.status, 403);
      for (const w of hub.hub.core.workloads.list())
        await hub.api("POST", `/api/corral/v1/workloads/${w.id}/stop`);
      await waitFor(
        () =>
          hub.hub.core.workloads.list().every((w) => ["stopped", "succeeded", "failed"].includes(w.state)),
        "all stopped",
      );
      const limited = await fetch(`${hub.hub.httpUrl}/api/corral/v1/workloads`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${hub.adminToken}` },
        body: JSON.stringify(work("w7", 1)),
      });
      assert.equal(limited.status, 429, await limited.text());
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    });
  });
});
