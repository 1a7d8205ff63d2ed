/**
 * End to end on real Docker through the ModelArts Lite Server routes: a Lite Server leases the
 * one node, so a normal workload stays pending with the reservation as its reason while a Lite
 * Server job's container runs there; stop drains the node (the job's container stops), start
 * reopens it to the job, delete releases it and the waiting workload's container starts. Built hub
 * and agent processes (startBuiltCluster). Skips without Docker, except in CI.
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

const JOIN = "e2e-lite-join-token-0123456";
const PASSWORD = "e2e-admin-password";

interface Server {
  id: string;
  status: string;
  cloud_server: { id: string };
}
interface NativeWorkload {
  id: string;
  state: string;
  tasks: { state: string; reason: string | null; attempt: number }[];
}

describe("e2e: ModelArts Lite Servers on real Docker", function () {
  this.timeout(180_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  let ma: <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
  let native: <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
  let server: Server;
  let jobId = "";
  let normalId = "";
  const cluster = `e2e-lite-${process.pid}`;
  const nodeKey = identityNodeKey(cluster, "lite1");

  /** Running containers of a workload on this test's node. */
  const containersOf = async (workloadId: string) =>
    (
      await docker.listContainers({
        filters: { label: [`corral.node=${nodeKey}`, `corral.workload=${workloadId}`], status: ["running"] },
      })
    ).length;
  const workload = async (id: string) => (await native<NativeWorkload>("GET", `/workloads/${id}`)).body;
  const serverStatus = (status: string) =>
    waitFor(
      async () =>
        (await ma<Server>("GET", `/dev-servers/${server.id}`)).body.status === status ? true : null,
      `server ${status}`,
      60_000,
      100,
    );

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-lite-"));
    const started = await startBuiltCluster(dir, {
      cluster,
      node: "lite1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    ({ hub, agent } = started);
    const db = new Database(path.join(dir, "hub", "corral.db"), { readonly: true });
    const projectId = (
      db.prepare("SELECT value FROM settings WHERE key = 'installation_id'").get() as { value: string }
    ).value;
    db.close();
    const call =
      (prefix: string) =>
      async <T>(method: string, url: string, body?: unknown) => {
        const res = await fetch(`${started.httpUrl}${prefix}${url}`, {
          method,
          headers: {
            "content-type": "application/json",
            "x-auth-token": started.token,
            authorization: `Bearer ${started.token}`,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as T };
      };
    ma = call(`/v1/${projectId}`);
    native = call("/api/corral/v1");
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await removeNodeVolumes(docker, nodeKey);
    }
  });

  it("leases the node: a normal workload waits with the reservation reason while a Lite job runs there", async () => {
    const flavors = await ma<{ data: { flavor: string; count: number }[] }>("GET", "/dev-servers/flavors");
    const flavor = flavors.body.data.find((f) => f.count > 0)?.flavor;
    assert.ok(flavor, JSON.stringify(flavors.body));
    const made = await ma<Server>("POST", "/dev-servers", {
      name: "e2e-lite",
      flavor,
      key_pair_name: "KeyPair-e2e",
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    server = made.body;
    assert.equal(server.status, "RUNNING");

    const normal = await native<{ id: string }>("POST", "/workloads", {
      name: "normal",
      image: TEST_IMAGE,
      command: ["sh", "-c", "sleep 600"],
      cluster,
    });
    assert.equal(normal.status, 201, JSON.stringify(normal.body));
    normalId = normal.body.id;
    const job = await ma<{ id: string }>("POST", "/dev-servers/jobs", {
      name: "e2e-job",
      server_ids: [server.id],
      type: "COMMON",
      items: [{ type: "COMMON", spec: { image: TEST_IMAGE, command: "sleep 600" } }],
    });
    assert.equal(job.status, 200, JSON.stringify(job.body));
    jobId = job.body.id;
    await waitFor(async () => (await containersOf(jobId)) === 1, "the job's container running", 60_000, 200);
    const waiting = await workload(normalId);
    assert.equal(waiting.tasks[0]?.state, "pending");
    assert.match(String(waiting.tasks[0]?.reason), /reserved as a Lite Server/);
    assert.equal(await containersOf(normalId), 0);
  });

  it("stop drains the node (the job's container stops); start reopens it to the job", async () => {
    const stop = await ma<Server>("PUT", `/dev-servers/${server.id}/stop`);
    assert.equal(stop.status, 200, JSON.stringify(stop.body));
    await serverStatus("STOPPED");
    await waitFor(async () => (await containersOf(jobId)) === 0, "the job's container stopped", 60_000, 200);
    const start = await ma<Server>("PUT", `/dev-servers/${server.id}/start`);
    assert.equal(start.status, 200, JSON.stringify(start.body));
    await waitFor(
      async () => (await containersOf(jobId)) === 1,
      "the job's container running again",
      60_000,
      200,
    );
    assert.equal((await workload(normalId)).tasks[0]?.state, "pending");
  });

  it("delete releases the node: the job stops and the waiting workload's container starts", async () => {
    const del = await ma<Server>("DELETE", `/dev-servers/${server.id}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.status, "DELETED");
    await waitFor(async () => (await containersOf(jobId)) === 0, "the job's container gone", 60_000, 200);
    await waitFor(
      async () => (await containersOf(normalId)) === 1,
      "the normal workload's container",
      60_000,
      200,
    );
  });
});
