/**
 * End to end: the built corral-hub and corral-agent processes, real gRPC over loopback, real HTTP,
 * the real CLI, and real containers on the local Docker engine (test image built by
 * scripts/build-test-image.sh). Skips with a notice without Docker, except in CI where it must run.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { requireDocker, removeNodeContainers, TEST_IMAGE } from "../helpers/docker";
import { fakeNvidiaSmiPath, nvidiaSmiFixture } from "../helpers/fixtures";
import { BuiltProcess, runCli, startBuiltHub } from "../helpers/processes";
import { request } from "../helpers/http";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-join-token-0123456789";
const PASSWORD = "e2e-admin-password";

interface Task {
  index: number;
  state: string;
  node: string | null;
  exitCode: number | null;
  containerId: string | null;
  gpus: string[];
  message: string | null;
}
interface Workload {
  id: string;
  state: string;
  tasks: Task[];
}

describe("e2e: built hub + agents on real Docker", function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let httpUrl: string;
  let grpc: string;
  let token: string;
  const agents = new Map<string, BuiltProcess>();
  const cluster = `e2e-${process.pid}`;

  const api = <T>(method: string, url: string, body?: unknown) =>
    request<T>(`${httpUrl}/api/corral/v1${url}`, method, body, token);
  const workload = async (id: string) => (await api<Workload>("GET", `/workloads/${id}`)).body;
  const until = (id: string, pred: (w: Workload) => boolean, what: string) =>
    waitFor(
      async () => {
        const w = await workload(id);
        return pred(w) ? w : null;
      },
      what,
      60_000,
      100,
    );

  const startAgent = (name: string, env: Record<string, string> = {}) => {
    const p = BuiltProcess.start("corral-agent", [], {
      CORRAL_HUB: grpc,
      CORRAL_JOIN_TOKEN: JOIN,
      CORRAL_CLUSTER: cluster,
      CORRAL_NODE_NAME: name,
      CORRAL_AGENT_DATA_DIR: path.join(dir, `agent-${name}`),
      CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
      CORRAL_LOG_LEVEL: "debug",
      ...env,
    });
    agents.set(name, p);
    return p;
  };
  const nodeReady = (name: string) =>
    waitFor(
      async () => {
        const n = await api<{ status: string; runtime: { available: boolean; error: string | null } | null }>(
          "GET",
          `/nodes/${name}?cluster=${cluster}`,
        );
        return n.status === 200 && n.body.status === "ready" ? n.body : null;
      },
      `node ${name} ready`,
      30_000,
      100,
    );

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-"));
    const started = await startBuiltHub(path.join(dir, "hub"), {
      CORRAL_ADMIN_PASSWORD: PASSWORD,
      CORRAL_BOOTSTRAP_JOIN_TOKEN: JOIN,
      CORRAL_HEARTBEAT_INTERVAL_MS: "500",
    });
    hub = started.process;
    httpUrl = started.httpUrl;
    grpc = started.grpcAddress;
    const login = await fetch(`${httpUrl}/api/corral/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    token = ((await login.json()) as { token: string }).token;
    startAgent("box1", { CORRAL_LABELS: "docker" });
    await nodeReady("box1");
  });

  after(async () => {
    for (const a of agents.values()) await a.stop();
    await hub?.stop();
    if (docker) {
      for (const name of agents.keys()) await removeNodeContainers(docker, identityNodeKey(cluster, name));
    }
  });

  const submit = async (body: Record<string, unknown>) => {
    const res = await api<Workload>("POST", "/workloads", {
      image: TEST_IMAGE,
      nodeSelector: ["docker"],
      cluster,
      ...body,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };

  it("runs a task that prints a line and exits 0; the line comes back through the logs API", async () => {
    const id = await submit({ name: "hello", command: ["sh", "-c", "echo hello from corral; exit 0"] });
    const w = await until(id, (x) => x.state === "succeeded" || x.state === "failed", "hello finished");
    assert.equal(w.state, "succeeded", JSON.stringify(w));
    assert.equal(w.tasks[0]?.exitCode, 0);
    const logs = await api<string>("GET", `/workloads/${id}/tasks/0/logs`);
    assert.equal(logs.status, 200);
    assert.match(logs.text, /hello from corral/);
  });

  it("reports a task that exits 3 as failed with exit code 3", async () => {
    const id = await submit({ name: "three", command: ["sh", "-c", "exit 3"] });
    const w = await until(id, (x) => x.state === "failed" || x.state === "succeeded", "exit-3 finished");
    assert.equal(w.state, "failed");
    assert.equal(w.tasks[0]?.state, "failed");
    assert.equal(w.tasks[0]?.exitCode, 3);
  });

  it("stops a long task and removes its container", async () => {
    const id = await submit({ name: "sleeper", command: ["sleep", "300"], stopGraceSec: 1 });
    const running = await until(id, (x) => x.tasks[0]?.state === "running", "sleeper running");
    const containerId = running.tasks[0]?.containerId as string;
    assert.ok(containerId);
    assert.equal((await docker.getContainer(containerId).inspect()).State.Running, true);
    const stop = await api<Workload>("POST", `/workloads/${id}/stop`);
    assert.equal(stop.status, 202);
    const w = await until(id, (x) => x.state === "stopped", "sleeper stopped");
    assert.equal(w.tasks[0]?.state, "stopped");
    await waitFor(async () => {
      try {
        await docker.getContainer(containerId).inspect();
        return false;
      } catch (err) {
        return (err as { statusCode?: number }).statusCode === 404;
      }
    }, "container removed");
  });

  it("hardens every task container (no-new-privileges, pids limit, default capabilities) and refuses a denied host port", async () => {
    const id = await submit({ name: "hardened", command: ["sleep", "300"], stopGraceSec: 1 });
    const running = await until(id, (x) => x.tasks[0]?.state === "running", "hardened running");
    const info = await docker.getContainer(running.tasks[0]?.containerId as string).inspect();
    assert.deepEqual(info.HostConfig.SecurityOpt, ["no-new-privileges:true"]);
    assert.equal(info.HostConfig.PidsLimit, 4096);
    assert.equal(info.HostConfig.Privileged, false);
    assert.equal(info.HostConfig.CapAdd ?? null, null);
    await api("POST", `/workloads/${id}/stop`);

    const low = await submit({
      name: "low-port",
      command: ["sleep", "300"],
      ports: [{ name: "web", containerPort: 80, hostPort: 80 }],
    });
    const failed = await until(low, (x) => x.tasks[0]?.state === "failed", "low-port refused");
    assert.match(failed.tasks[0]?.message ?? "", /host port 80 .*not allowed.*CORRAL_DENIED_HOST_PORTS/);
  });

  it("keeps a running task's container across an agent restart and still reports it", async () => {
    const id = await submit({
      name: "survivor",
      command: ["sh", "-c", "echo alive; sleep 300"],
      stopGraceSec: 1,
    });
    const before = await until(id, (x) => x.tasks[0]?.state === "running", "survivor running");
    const containerId = before.tasks[0]?.containerId as string;
    const old = agents.get("box1") as BuiltProcess;
    assert.equal(await old.stop(), 0);
    assert.equal(
      (await docker.getContainer(containerId).inspect()).State.Running,
      true,
      "container survives the agent",
    );
    startAgent("box1", { CORRAL_LABELS: "docker" });
    await waitFor(
      async () => /welcomed by the hub/.test(agents.get("box1")?.output ?? ""),
      "restarted agent welcomed",
    );
    await nodeReady("box1");
    const after = await workload(id);
    assert.equal(after.tasks[0]?.state, "running");
    assert.equal(after.tasks[0]?.containerId, containerId);
    assert.equal((await docker.getContainer(containerId).inspect()).State.Running, true);
    const logs = await api<string>("GET", `/workloads/${id}/tasks/0/logs`);
    assert.match(logs.text, /alive/);
    await api("POST", `/workloads/${id}/stop`);
    await until(id, (x) => x.state === "stopped", "survivor stopped");
  });

  it("hands a 1-GPU task its assigned UUID in HostConfig.DeviceRequests (fake nvidia-smi)", async () => {
    startAgent("gpubox", {
      CORRAL_LABELS: "gpu",
      CORRAL_NVIDIA_SMI: fakeNvidiaSmiPath(),
      FAKE_NVIDIA_SMI_FIXTURE: nvidiaSmiFixture("nvidia-gpu-exporter-h100-mig-590.48.01-capture.txt"),
    });
    await nodeReady("gpubox");
    const node = await api<{
      hardware: { gpus: { uuid: string; migEnabled: boolean }[] };
      capacity: { gpu: number };
    }>("GET", `/nodes/gpubox?cluster=${cluster}`);
    const slices = node.body.hardware.gpus.filter((g) => !g.migEnabled).map((g) => g.uuid);
    assert.equal(node.body.capacity.gpu, 4, "an H100 with 4 MIG slices offers 4 devices");
    const id = await submit({
      name: "gpu-task",
      nodeSelector: ["gpu"],
      resources: { gpu: 1 },
      command: ["true"],
    });
    // This machine has no NVIDIA runtime, so the start fails; the created container shows the request.
    const w = await until(
      id,
      (x) => (x.tasks[0]?.gpus.length ?? 0) > 0 && x.state === "failed",
      "GPU task assigned and failed to start",
    );
    const uuid = w.tasks[0]?.gpus[0] as string;
    assert.ok(slices.includes(uuid), `${uuid} is one of the node's MIG devices`);
    assert.match(w.tasks[0]?.message ?? "", /nvidia|device driver/i);
    const [c] = await docker.listContainers({
      all: true,
      filters: { label: [`corral.node=${identityNodeKey(cluster, "gpubox")}`] },
    });
    assert.ok(c, "the GPU task's container was created");
    const info = await docker.getContainer(c.Id).inspect();
    const requests = info.HostConfig.DeviceRequests ?? [];
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.Driver, "nvidia");
    assert.deepEqual(requests[0]?.DeviceIDs, [uuid]);
    assert.deepEqual(requests[0]?.Capabilities, [["gpu"]]);
    assert.ok(!requests[0]?.Count, "never Count");
  });

  it("registers a node whose Docker engine is unreachable and reports why", async () => {
    startAgent("nodocker", { CORRAL_DOCKER_SOCKET: path.join(dir, "missing.sock") });
    const n = await nodeReady("nodocker");
    assert.equal(n.runtime?.available, false);
    assert.match(n.runtime?.error ?? "", /unreachable/i);
  });

  it("drives the same hub with the corral CLI", async () => {
    const env = { CORRAL_CONFIG_DIR: path.join(dir, "cli") };
    const login = await runCli(
      ["login", "--hub", httpUrl, "--username", "admin", "--password", PASSWORD],
      env,
    );
    assert.equal(login.code, 0, login.stderr);
    const nodes = await runCli(["node", "list", "--json"], env);
    assert.equal(nodes.code, 0, nodes.stderr);
    const names = (JSON.parse(nodes.stdout) as { items: { name: string }[] }).items.map((n) => n.name);
    assert.ok(names.includes("box1") && names.includes("gpubox"));
    const run = await runCli(
      [
        "workload",
        "run",
        "--name",
        "cli-run",
        "--image",
        TEST_IMAGE,
        "--node-selector",
        "docker",
        "--wait",
        "--json",
        "--",
        "sh",
        "-c",
        "echo via cli",
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const id = (await api<{ items: { id: string; name: string }[] }>("GET", "/workloads")).body.items.find(
      (x) => x.name === "cli-run",
    )?.id as string;
    const logs = await runCli(["workload", "logs", id], env);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /via cli/);
    const missing = await runCli(["node", "show", "no-such-node"], env);
    assert.equal(missing.code, 3);
  });
});
