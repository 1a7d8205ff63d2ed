/**
 * End to end on real Docker through the ModelArts pool nodes API: the pool (the cluster) lists its
 * real node with its phase; batch-lock keeps a new workload pending with the cordon reason;
 * batch-unlock lets it start a real container; batch-drain stops that container (the hub sends
 * `Drain`, the agent stops it within its grace) and puts the task back in pending. Built hub and
 * agent processes (startBuiltCluster). Skips without Docker, except in CI.
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

const JOIN = "e2e-ma-nodes-join-token-0123";
const PASSWORD = "e2e-admin-password";

interface NodeList {
  items: { metadata: { name: string }; status: { phase: string; resources: Record<string, string> } }[];
}
interface Task {
  state: string;
  attempt: number;
  reason: string | null;
  node: string | null;
}

describe("e2e: ModelArts pool nodes on real Docker (lock, unlock, drain)", function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  let ma: <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
  let api: <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
  const cluster = `e2e-nodes-${process.pid}`;
  const nodeKey = identityNodeKey(cluster, "mn1");
  const running = async () =>
    (await docker.listContainers({ filters: { label: [`corral.node=${nodeKey}`] } })).filter(
      (c) => c.State === "running",
    );

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-ma-nodes-"));
    const started = await startBuiltCluster(dir, {
      cluster,
      node: "mn1",
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
          headers: { "content-type": "application/json", "x-auth-token": started.token },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as T };
      };
    ma = call(`/v2/${projectId}/pools/${cluster}`);
    api = call("/api/corral/v1");
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await removeNodeVolumes(docker, nodeKey);
    }
  });

  it("lists the real node, and lock / unlock / drain change scheduling for real", async () => {
    const nodes = await ma<NodeList>("GET", "/nodes");
    assert.equal(nodes.status, 200);
    assert.deepEqual(
      nodes.body.items.map((n) => [n.metadata.name, n.status.phase]),
      [["mn1", "Available"]],
    );
    assert.ok(Number(nodes.body.items[0]?.status.resources.cpu) > 0, "real cores");

    const lock = await ma("POST", "/nodes/batch-lock", { nodeNames: ["mn1"], actions: ["delete"] });
    assert.equal(lock.status, 200);
    const sub = await api<{ id: string }>("POST", "/workloads", {
      name: "sleeper",
      image: TEST_IMAGE,
      command: ["sleep", "600"],
      stopGraceSec: 2,
      resources: { cpuMilli: 100, memoryMiB: 32, gpu: 0 },
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const task = async () => (await api<{ tasks: Task[] }>("GET", `/workloads/${sub.body.id}`)).body.tasks[0];
    const until = (what: string, ok: (t: Task) => boolean) =>
      waitFor(
        async () => {
          const t = await task();
          return t && ok(t) ? t : null;
        },
        what,
        60_000,
        100,
      );
    // Once the scheduler has looked at it (before that: "waiting for the scheduler").
    const waiting = await until(
      "pending with the cordon reason",
      (t) => t.state === "pending" && /cordoned/.test(t.reason ?? ""),
    );
    assert.equal(waiting.node, null);
    assert.deepEqual(await running(), [], "nothing started on a locked node");

    assert.equal(
      (await ma("POST", "/nodes/batch-unlock", { nodeNames: ["mn1"], actions: ["delete"] })).status,
      200,
    );
    await until("running", (t) => t.state === "running" && t.node === "mn1");
    assert.equal((await running()).length, 1, "one real container");

    const drain = await ma("POST", "/nodes/batch-drain", { nodeNames: ["mn1"] });
    assert.equal(drain.status, 200);
    // Back in pending as its next attempt; once the scheduler has looked, the reason is the cordon.
    const back = await until(
      "pending again, held by the cordon",
      (t) => t.state === "pending" && /cordoned/.test(t.reason ?? ""),
    );
    assert.equal(back.attempt, 2);
    await waitFor(
      async () => ((await running()).length === 0 ? true : null),
      "container stopped",
      30_000,
      100,
    );

    await api("POST", `/workloads/${sub.body.id}/stop`);
  });
});
