/**
 * End to end on real Docker through the ModelArts surface: a training job prints a line and
 * completes with the line in its log preview; a job exiting 3 is Failed with exit code 3; terminate
 * stops a long job. Built hub and agent processes (startBuiltCluster). Skips without Docker,
 * except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, removeNodeVolumes, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { startBuiltCluster, type BuiltProcess } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-modelarts-join-token-0123";
const PASSWORD = "e2e-admin-password";

interface Job {
  metadata: { id: string };
  status: { phase: string; secondary_phase: string; task_statuses: { task: string; exit_code: number }[] };
}

describe("e2e: ModelArts training jobs on real Docker", function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  let call: <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
  let flavor = "";
  const cluster = `e2e-ma-${process.pid}`;
  const nodeKey = identityNodeKey(cluster, "ma1");

  const job = (name: string, command: string) =>
    call<Job>("POST", "/training-jobs", {
      kind: "job",
      metadata: { name, workspace_id: "0" },
      algorithm: { command, engine: { image_url: TEST_IMAGE } },
      spec: { resource: { flavor_id: flavor, node_count: 1 } },
    });
  const until = (id: string, phase: string) =>
    waitFor(
      async () => {
        const j = (await call<Job>("GET", `/training-jobs/${id}`)).body;
        return j.status.phase === phase ? j : null;
      },
      `job ${phase}`,
      60_000,
      100,
    );

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-ma-"));
    const started = await startBuiltCluster(dir, {
      cluster,
      node: "ma1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    ({ hub, agent } = started);
    // The IAM project id is the install id, kept in the hub's store.
    const db = new Database(path.join(dir, "hub", "corral.db"), { readonly: true });
    const projectId = (
      db.prepare("SELECT value FROM settings WHERE key = 'installation_id'").get() as { value: string }
    ).value;
    db.close();
    call = async <T>(method: string, url: string, body?: unknown) => {
      const res = await fetch(`${started.httpUrl}/v2/${projectId}${url}`, {
        method,
        headers: { "content-type": "application/json", "x-auth-token": started.token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    };
    const flavors = await call<{ flavors: { flavor_id: string }[] }>(
      "GET",
      "/training-job-flavors?flavor_type=CPU",
    );
    flavor = flavors.body.flavors[0]?.flavor_id ?? "";
    assert.match(flavor, /^corral\.cpu\./);
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await removeNodeVolumes(docker, nodeKey);
    }
  });

  it("runs a job that prints a line to Completed, the line in its log preview", async () => {
    const res = await job("prints", "echo hello-from-modelarts");
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await until(res.body.metadata.id, "Completed");
    assert.equal(done.status.task_statuses[0]?.exit_code, 0);
    const preview = await call<{ content: string; current_size: number; full_size: number }>(
      "GET",
      `/training-jobs/${res.body.metadata.id}/tasks/worker-0/logs/preview`,
    );
    assert.match(preview.body.content, /hello-from-modelarts/);
    assert.equal(preview.body.current_size, preview.body.full_size);
  });

  it("is Failed with exit code 3 when the command exits 3", async () => {
    const res = await job("exits-3", "echo failing; exit 3");
    const failed = await until(res.body.metadata.id, "Failed");
    assert.equal(failed.status.task_statuses[0]?.exit_code, 3);
  });

  it("terminates a long job", async () => {
    const res = await job("sleeps", "sleep 600");
    const id = res.body.metadata.id;
    await until(id, "Running");
    const stop = await call<Job>("POST", `/training-jobs/${id}/actions`, { action_type: "terminate" });
    assert.equal(stop.status, 202);
    await until(id, "Terminated");
    await waitFor(
      async () =>
        (await docker.listContainers({ all: true, filters: { label: [`corral.workload=${id}`] } })).every(
          (c) => c.State !== "running",
        ),
      "container stopped",
      30_000,
      100,
    );
  });
});
