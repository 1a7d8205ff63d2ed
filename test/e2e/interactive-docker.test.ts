/**
 * End to end on real Docker: an interactive workload writes a file into its named volume, is
 * stopped (its container removed), started again with the same id, and reads the file back.
 * Built hub and agent processes, as docker-e2e.test.ts. Skips without Docker, except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, removeNodeVolumes, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { startBuiltCluster, type BuiltCluster, type BuiltProcess } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-interactive-join-token-0123";
const PASSWORD = "e2e-admin-password";

interface Workload {
  id: string;
  state: string;
  tasks: { id: string; attempt: number; state: string; node: string | null; containerId: string | null }[];
}

describe("e2e: an interactive workload keeps its named volume across stop and start (real Docker)", function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  const cluster = `e2e-nb-${process.pid}`;
  const nodeKey = identityNodeKey(cluster, "nb1");

  let api: BuiltCluster["api"];
  const until = (id: string, pred: (w: Workload) => boolean, what: string) =>
    waitFor(
      async () => {
        const w = (await api<Workload>("GET", `/workloads/${id}`)).body;
        return pred(w) ? w : null;
      },
      what,
      60_000,
      100,
    );
  const logsContain = (id: string, text: string) =>
    waitFor(
      async () => {
        const logs = await api<string>("GET", `/workloads/${id}/tasks/0/logs`);
        return logs.status === 200 && logs.text.includes(text) ? logs.text : null;
      },
      `logs saying ${JSON.stringify(text)}`,
      30_000,
      100,
    );

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-nb-"));
    const started = await startBuiltCluster(dir, {
      cluster,
      node: "nb1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    ({ hub, agent } = started);
    api = started.api;
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await removeNodeVolumes(docker, nodeKey);
    }
  });

  it("writes a file into the volume, stops, starts again with the same id and reads it back", async () => {
    const res = await api<Workload>("POST", "/workloads", {
      name: "notebook",
      image: TEST_IMAGE,
      kind: "interactive",
      cluster,
      stopGraceSec: 1,
      volumes: [{ name: "work", mountPath: "/work" }],
      command: [
        "sh",
        "-c",
        'if [ -f /work/note ]; then echo "found: $(cat /work/note)"; ' +
          "else echo kept-across-restart > /work/note && echo written; fi; exec sleep 600",
      ],
    });
    assert.equal(res.status, 201, res.text);
    const id = res.body.id;
    const first = await until(id, (w) => w.tasks[0]?.state === "running", "first run running");
    await logsContain(id, "written");
    const taskId = first.tasks[0]?.id ?? "";

    assert.equal((await api("POST", `/workloads/${id}/stop`)).status, 202);
    await until(id, (w) => w.state === "stopped", "stopped");
    // The container goes, the volume stays, labelled as the task's.
    await waitFor(
      async () =>
        (await docker.listContainers({ all: true, filters: { label: [`corral.task=${taskId}`] } })).every(
          (c) => c.State !== "running",
        ),
      "first container no longer running",
    );
    const { Volumes } = await docker.listVolumes({ filters: { label: [`corral.task=${taskId}`] } });
    assert.deepEqual(
      (Volumes ?? []).map((v) => [v.Name, v.Labels?.["corral.volume"], v.Labels?.["corral.workload"]]),
      [[`corral-${taskId}-work`, "work", id]],
    );

    const start = await api<Workload>("POST", `/workloads/${id}/start`);
    assert.equal(start.status, 202, start.text);
    assert.equal(start.body.id, id);
    const again = await until(
      id,
      (w) => w.tasks[0]?.state === "running" && w.tasks[0]?.attempt === 2,
      "second run running",
    );
    assert.equal(again.tasks[0]?.id, taskId);
    assert.notEqual(again.tasks[0]?.containerId, first.tasks[0]?.containerId, "a new container");
    await logsContain(id, "found: kept-across-restart");

    assert.equal((await api("POST", `/workloads/${id}/stop`)).status, 202);
    await until(id, (w) => w.state === "stopped", "stopped again");
  });
});
