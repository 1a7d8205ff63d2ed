import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import type { HardwareSource } from "../../agent/link/hub-link";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface PointJson {
  at: string;
  cpuPercent: number;
  memoryMiB: number;
  gpuUtilPercent: number | null;
  gpuMemoryMiB: number | null;
  samples: number;
}

/** Fake hardware whose every GPU reports 40 % utilisation and 1234 MiB used. */
function busyGpus(): HardwareSource {
  const base = fakeHardware({ gpus: fakeGpus(2) });
  return {
    inventory: () => base.inventory(),
    sample: async () => {
      const s = await base.sample();
      return { ...s, gpus: s.gpus.map((g) => ({ ...g, utilizationPercent: 40, memoryUsedMiB: 1234 })) };
    },
  };
}

describe("integration: per-task metrics history through the native API (FakeRuntime)", () => {
  let hub: TestHub;
  let agent: RunningAgent;

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "m1", hardware: busyGpus() });
    await agent.welcomed();
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("answers one-minute points of CPU, memory and the task's GPUs from the heartbeats", async () => {
    const res = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "train",
      image: "fake",
      env: { FAKE_CPU_PERCENT: "150", FAKE_MEMORY_MIB: "300" },
      resources: { gpu: 1 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const url = `/api/corral/v1/workloads/${res.body.id}/tasks/0/metrics`;
    const points = await waitFor(async () => {
      const r = await hub.api<{ items: PointJson[] }>("GET", url);
      return r.status === 200 && r.body.items.some((p) => p.cpuPercent > 0) ? r.body.items : null;
    }, "a metrics point with the task's usage");
    const last = points[points.length - 1] as PointJson;
    assert.equal(last.memoryMiB > 0 && last.memoryMiB <= 300, true, JSON.stringify(last));
    assert.equal(last.gpuUtilPercent !== null && last.gpuUtilPercent <= 40, true, JSON.stringify(last));
    assert.equal(last.gpuMemoryMiB !== null && last.gpuMemoryMiB <= 1234, true, JSON.stringify(last));
    assert.equal(new Date(last.at).getTime() % 60_000, 0, "points start on the minute");

    const past = await hub.api<{ items: PointJson[] }>("GET", `${url}?to=2000-01-01T00:00:00Z`);
    assert.deepEqual(past.body.items, []);
    const bad = await hub.api<{ code: string; field: string }>("GET", `${url}?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "from");
    const none = await hub.api<{ code: string }>(
      "GET",
      `/api/corral/v1/workloads/${res.body.id}/tasks/5/metrics`,
    );
    assert.equal(none.status, 404);
  });
});
