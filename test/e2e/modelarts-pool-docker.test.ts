/**
 * End to end on real Docker through the ModelArts pool APIs: the built hub's cluster shows as a
 * pool with its real node Available; a pool made through the API waits for its node, which a
 * second built agent brings with a join token scoped to the pool and the node pool's label; a job
 * running in the pool holds off its deletion; the stopped agent's node turns the pool Abnormal.
 * Skips without Docker, except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { request } from "../helpers/http";
import { removeNodeContainers, removeNodeVolumes, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { BuiltProcess, startBuiltHub, type BuiltHub } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-modelarts-pool-join-token-01";
const PASSWORD = "e2e-admin-password";

interface FlavorCount {
  flavor: string;
  count: number;
  nodePool?: string;
}
interface Pool {
  metadata: { name: string };
  status: {
    phase: string;
    resources: { available: FlavorCount[]; creating: FlavorCount[]; abnormal: FlavorCount[] };
  };
  error_code?: string;
}

describe("e2e: ModelArts resource pools over real nodes", function () {
  this.timeout(180_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltHub;
  let token = "";
  const agents: BuiltProcess[] = [];
  let call: <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
  const cluster = `e2e-pool-${process.pid}`;
  const keys = [identityNodeKey(cluster, "p0")];

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-pool-"));
    hub = await startBuiltHub(path.join(dir, "hub"), {
      CORRAL_ADMIN_PASSWORD: PASSWORD,
      CORRAL_BOOTSTRAP_JOIN_TOKEN: JOIN,
      CORRAL_HEARTBEAT_INTERVAL_MS: "500",
    });
    const login = await request<{ token: string }>(`${hub.httpUrl}/api/corral/v1/auth/login`, "POST", {
      username: "admin",
      password: PASSWORD,
    });
    token = login.body.token;
    agents.push(agent("p0", hub.agentToken(JOIN), cluster, ""));
    const db = new Database(path.join(dir, "hub", "corral.db"), { readonly: true });
    const projectId = (
      db.prepare("SELECT value FROM settings WHERE key = 'installation_id'").get() as { value: string }
    ).value;
    db.close();
    call = async <T>(method: string, url: string, body?: unknown) => {
      const res = await fetch(`${hub.httpUrl}${url.replace("{project_id}", projectId)}`, {
        method,
        headers: { "content-type": "application/json", "x-auth-token": token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    };
  });

  /** A built agent on real Docker (no GPUs: nvidia-smi is absent). */
  const agent = (name: string, joinToken: string, asked: string, labels: string) =>
    BuiltProcess.start("corral-agent", [], {
      CORRAL_HUB: hub.grpcAddress,
      CORRAL_JOIN_TOKEN: joinToken,
      CORRAL_CLUSTER: asked,
      CORRAL_NODE_NAME: name,
      CORRAL_LABELS: labels,
      CORRAL_AGENT_DATA_DIR: path.join(dir, `agent-${name}`),
      CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
    });

  after(async () => {
    for (const a of agents) await a.stop();
    await hub?.process.stop();
    if (docker) {
      for (const key of keys) {
        await removeNodeContainers(docker, key);
        await removeNodeVolumes(docker, key);
      }
    }
  });

  it("lists the cluster as a pool with its real node, joins a node to a new pool, and follows its phase", async () => {
    const existing = await waitFor(
      async () => {
        const p = await call<Pool>("GET", `/v2/{project_id}/pools/${cluster}`);
        return p.status === 200 && p.body.status.resources.available.length > 0 ? p : null;
      },
      "the first node available",
      60_000,
      200,
    );
    assert.equal(existing.body.status.phase, "Running");
    const [real] = existing.body.status.resources.available;
    assert.ok(real && real.count === 1 && /^corral\.cpu\./.test(real.flavor), JSON.stringify(existing.body));

    const made = await call<Pool>("POST", "/v2/{project_id}/pools", {
      apiVersion: "v2",
      kind: "Pool",
      metadata: { labels: { "os.modelarts/name": "pool-e2e", "os.modelarts/workspace.id": "0" } },
      spec: {
        type: "Dedicate",
        scope: ["Train"],
        resources: [{ flavor: real.flavor, count: 1, nodePool: "np-a" }],
      },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const pool = made.body.metadata.name;
    assert.equal(made.body.status.phase, "Creating");
    keys.push(identityNodeKey(pool, "p1"), identityNodeKey("asked-for", "p1"));

    const np = await call<{ metadata: { annotations: Record<string, string> } }>(
      "GET",
      `/v2/{project_id}/pools/${pool}/nodepools/np-a`,
    );
    const scoped = await request<{ token: string }>(
      `${hub.httpUrl}/api/corral/v1/join-tokens`,
      "POST",
      { cluster: pool },
      token,
    );
    assert.equal(scoped.status, 201);
    const second = agent(
      "p1",
      scoped.body.token,
      "asked-for",
      np.body.metadata.annotations["os.modelarts/join.labels"]!,
    );
    agents.push(second);
    const running = await waitFor(
      async () => {
        const p = (await call<Pool>("GET", `/v2/{project_id}/pools/${pool}`)).body;
        return p.status.resources.available.length > 0 ? p : null;
      },
      "the joined node available in the pool",
      60_000,
      200,
    );
    assert.equal(running.status.phase, "Running");
    assert.deepEqual(running.status.resources.available, [
      { flavor: real.flavor, count: 1, nodePool: "np-a" },
    ]);
    assert.deepEqual(running.status.resources.creating, []);

    // A job in the pool runs on its node and holds off the pool's deletion.
    const flavors = await call<{ flavors: { flavor_id: string }[] }>(
      "GET",
      "/v2/{project_id}/training-job-flavors?flavor_type=CPU",
    );
    const job = await call<{ metadata: { id: string } }>("POST", "/v2/{project_id}/training-jobs", {
      kind: "job",
      metadata: { name: "in-pool", workspace_id: "0" },
      algorithm: { command: "sleep 600", engine: { image_url: TEST_IMAGE } },
      spec: { resource: { flavor_id: flavors.body.flavors[0]!.flavor_id, node_count: 1, pool_id: pool } },
    });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    await waitFor(
      async () =>
        (
          await call<{ items: { status: string; host_ips: string }[] }>(
            "GET",
            `/v2/{project_id}/pools/${pool}/workloads`,
          )
        ).body.items.some((w) => w.status === "Running"),
      "the job running in the pool",
      60_000,
      200,
    );
    const refused = await call<Pool>("DELETE", `/v2/{project_id}/pools/${pool}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error_code, "ModelArts.50015002");
    const stop = await call("POST", `/v2/{project_id}/training-jobs/${job.body.metadata.id}/actions`, {
      action_type: "terminate",
    });
    assert.equal(stop.status, 202);

    await second.stop();
    const down = await waitFor(
      async () => {
        const p = (await call<Pool>("GET", `/v2/{project_id}/pools/${pool}`)).body;
        return p.status.phase === "Abnormal" ? p : null;
      },
      "the stopped node abnormal",
      60_000,
      200,
    );
    assert.deepEqual(down.status.resources.abnormal, [{ flavor: real.flavor, count: 1, nodePool: "np-a" }]);
  });
});
