import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { maCall, projectIdOf } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Job {
  metadata: {
    id: string;
    name: string;
    workspace_id: string;
    description: string;
    create_time: number;
    user_name: string;
  };
  status: {
    phase: string;
    secondary_phase: string;
    duration: number;
    start_time?: number;
    tasks: string[];
    task_statuses: { task: string; exit_code: number; message: string }[];
  };
  algorithm: {
    command: string;
    parameters: { name: string; value: string }[];
    environments: Record<string, string>[];
  };
  spec: {
    resource: { flavor_id: string; node_count: number };
    schedule_policy: { priority: number; preemptible: boolean };
  };
  kind: string;
  error_code?: string;
  error_msg?: string;
}

const CPU_FLAVOR = "corral.cpu.2u8g";

/** A job request as the SDK builds it: inline image and command, FakeRuntime told how to behave. */
export function jobBody(name: string, env: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    kind: "job",
    metadata: { name, workspace_id: "0", description: "a test job" },
    algorithm: {
      command: "python train.py",
      engine: { image_url: "bars/busybox:1" },
      parameters: [{ name: "epochs", value: "3" }],
      environments: env,
    },
    spec: { resource: { flavor_id: CPU_FLAVOR, node_count: 1 } },
    ...extra,
  };
}

/** Training jobs over a real hub with FakeRuntime agents: lifecycle, logs, metrics, errors. */
describe("integration: ModelArts training jobs (FakeRuntime)", function () {
  this.timeout(30_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const JOBS = "/v2/{project_id}/training-jobs";

  const create = async (body: unknown) => maCall<Job>(hub, "POST", JOBS, body);
  const get = async (id: string) => (await maCall<Job>(hub, "GET", `${JOBS}/${id}`)).body;
  const untilPhase = (id: string, phase: string) =>
    waitFor(async () => {
      const j = await get(id);
      return j.status.phase === phase ? j : null;
    }, `job ${phase}`);

  before(async () => {
    hub = await startTestHub();
    agents.push(startTestAgent(hub, { name: "cpu1" }));
    agents.push(startTestAgent(hub, { name: "cpu2" }));
    agents.push(
      startTestAgent(hub, { name: "gpu1", hardware: fakeHardware({ hostname: "gpu1", gpus: fakeGpus(2) }) }),
    );
    await Promise.all(agents.map((a) => a.welcomed()));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("creates a job (201) that runs to Completed, with its log in the preview and behind the log URL", async () => {
    const res = await create(jobBody("completes", { FAKE_RUN_FOR_MS: "50", FAKE_LOG: "epoch 1 loss 0.5\n" }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.kind, "job");
    assert.equal(res.body.metadata.name, "completes");
    assert.equal(res.body.metadata.workspace_id, "0");
    assert.equal(typeof res.body.metadata.create_time, "number");
    assert.equal(res.body.spec.resource.flavor_id, CPU_FLAVOR);
    assert.ok(["Pending", "Creating", "Running"].includes(res.body.status.phase), res.body.status.phase);
    const id = res.body.metadata.id;
    const done = await untilPhase(id, "Completed");
    assert.equal(done.status.secondary_phase, "Completed");
    assert.deepEqual(done.status.tasks, ["worker-0"]);
    assert.equal(done.status.task_statuses[0]?.exit_code, 0);
    assert.equal(typeof done.status.start_time, "number");
    assert.ok(done.status.duration >= 0);

    // The container ran the command with the parameters appended, as ModelArts passes them.
    const w = hub.hub.core.workloads.find(id)!;
    assert.deepEqual(w.roles[0]!.command, ["/bin/sh", "-c", "python train.py --epochs=3"]);
    assert.deepEqual(w.roles[0]!.resources, { cpuMilli: 2000, memoryMiB: 8192, gpu: 0 });

    const preview = await maCall<{ content: string; current_size: number; full_size: number }>(
      hub,
      "GET",
      `${JOBS}/${id}/tasks/worker-0/logs/preview`,
    );
    assert.equal(preview.status, 200);
    assert.equal(preview.body.content, "epoch 1 loss 0.5\n");
    assert.equal(preview.body.current_size, 17);
    assert.equal(preview.body.full_size, 17);

    const url = await maCall<{ obs_url: string }>(hub, "GET", `${JOBS}/${id}/tasks/worker-0/logs/url`);
    assert.equal(url.status, 200);
    const file = await fetch(url.body.obs_url);
    assert.equal(file.status, 200);
    assert.equal(await file.text(), "epoch 1 loss 0.5\n");
    const forged = await fetch(url.body.obs_url.replace(/token=.{6}/, "token=AAAAAA"));
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { error_code: string }).error_code, "APIG.1002");

    const tasks = await maCall<{ task: string; host_ip: string; schedule_count: number }[]>(
      hub,
      "GET",
      `${JOBS}/${id}/tasks`,
    );
    assert.equal(tasks.body.length, 1);
    assert.equal(tasks.body[0]?.task, "worker-0");
    assert.equal(tasks.body[0]?.schedule_count, 1);

    const events = await maCall<{
      total: number;
      events: { source: string; level: string; time: string; message: string }[];
    }>(hub, "GET", `${JOBS}/${id}/events?limit=100`);
    assert.equal(events.status, 200);
    const sources = new Set(events.body.events.map((e) => e.source));
    for (const s of ["K8S", "Job", "Task"])
      assert.ok(sources.has(s), `${s} in ${JSON.stringify(events.body)}`);
    const k8s = await maCall<{ total: number; events: { source: string }[] }>(
      hub,
      "GET",
      `${JOBS}/${id}/events?source=K8S`,
    );
    assert.ok(k8s.body.total >= 1 && k8s.body.events.every((e) => e.source === "K8S"));

    const metrics = await maCall<{ metrics: { metric: string; value: number[] }[] }>(
      hub,
      "GET",
      `${JOBS}/${id}/metrics/worker-0`,
    );
    assert.equal(metrics.status, 200);
    assert.deepEqual(
      metrics.body.metrics.map((m) => m.metric),
      ["cpuUsage", "memUsage", "gpuUtil", "gpuMemUsage"],
    );
    assert.ok(
      metrics.body.metrics.every((m) => m.value.length >= 1 && m.value.every((v) => typeof v === "number")),
    );
    assert.ok(metrics.body.metrics.find((m) => m.metric === "gpuUtil")!.value.every((v) => v === -1));
  });

  it("is Failed with the exit code in task_statuses when the command exits 3", async () => {
    const res = await create(jobBody("exits-3", { FAKE_RUN_FOR_MS: "20", FAKE_EXIT_CODE: "3" }));
    assert.equal(res.status, 201, res.text);
    const failed = await untilPhase(res.body.metadata.id, "Failed");
    assert.equal(failed.status.secondary_phase, "Failed");
    assert.equal(failed.status.task_statuses[0]?.task, "worker-0");
    assert.equal(failed.status.task_statuses[0]?.exit_code, 3);
  });

  it("is Failed / CreateFailed when the container cannot start", async () => {
    const res = await create(jobBody("cannot-start", { FAKE_START_ERROR: "no such image" }));
    const failed = await untilPhase(res.body.metadata.id, "Failed");
    assert.equal(
      failed.status.secondary_phase,
      "CreateFailed",
      JSON.stringify(hub.hub.core.workloads.tasks(res.body.metadata.id)),
    );
  });

  it("terminates a running job (202), which ends Terminated; a second terminate is refused", async () => {
    const res = await create(jobBody("long", { FAKE_RUN_FOR_MS: "-1" }));
    const id = res.body.metadata.id;
    await untilPhase(id, "Running");
    const stop = await maCall<Job>(hub, "POST", `${JOBS}/${id}/actions`, { action_type: "terminate" });
    assert.equal(stop.status, 202, stop.text);
    assert.ok(["Terminating", "Terminated"].includes(stop.body.status.phase));
    await untilPhase(id, "Terminated");
    const again = await maCall(hub, "POST", `${JOBS}/${id}/actions`, { action_type: "terminate" });
    assert.equal(again.status, 400);
    assert.equal(again.body.error_code, "ModelArts.0105");
    const bad = await maCall(hub, "POST", `${JOBS}/${id}/actions`, { action_type: "pause" });
    assert.equal(bad.body.error_code, "ModelArts.0103");
  });

  it("changes the description (PUT), deletes (202) so the name is free again", async () => {
    const res = await create(jobBody("to-delete", { FAKE_RUN_FOR_MS: "-1" }));
    const id = res.body.metadata.id;
    const put = await maCall(hub, "PUT", `${JOBS}/${id}`, { description: "new words" });
    assert.equal(put.status, 204);
    assert.equal((await get(id)).metadata.description, "new words");
    const dup = await create(jobBody("to-delete", {}));
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error_code, "ModelArts.2751");
    const del = await maCall(hub, "DELETE", `${JOBS}/${id}`);
    assert.equal(del.status, 202);
    const gone = await maCall(hub, "GET", `${JOBS}/${id}`);
    assert.equal(gone.status, 400);
    assert.equal(gone.body.error_code, "ModelArts.2775");
    // The running workload was stopped, not left behind.
    await waitFor(() => hub.hub.core.workloads.find(id)?.state === "stopped", "deleted job stopped");
    const again = await create(jobBody("to-delete", { FAKE_RUN_FOR_MS: "0" }));
    assert.equal(again.status, 201, again.text);
  });

  it("runs node_count 2 as a gang with ModelArts's distributed environment", async () => {
    const res = await create(
      jobBody(
        "gang",
        { FAKE_RUN_FOR_MS: "-1" },
        { spec: { resource: { flavor_id: "corral.cpu.8u32g", node_count: 2 } } },
      ),
    );
    assert.equal(res.status, 201, res.text);
    const id = res.body.metadata.id;
    await untilPhase(id, "Running");
    const w = hub.hub.core.workloads.find(id)!;
    assert.equal(w.gang, true);
    const tasks = hub.hub.core.workloads.tasks(id);
    const envs = tasks.map(
      (t) => hub.hub.core.desired.forNode(t.nodeId!).find((d) => d.taskId === t.id)!.env,
    );
    const hosts = tasks
      .sort((a, b) => a.index - b.index)
      .map((t) => hub.hub.core.nodes.findById(t.nodeId!)!.address)
      .join(",");
    for (const [i, t] of tasks.entries()) {
      const env = envs[i]!;
      assert.equal(env.MA_NUM_HOSTS, "2");
      assert.equal(env.VC_WORKER_NUM, "2");
      assert.equal(env.VC_TASK_INDEX, String(t.index));
      assert.equal(env.VC_WORKER_HOSTS, hosts);
      assert.equal(env.MA_CURRENT_HOST_IP, hub.hub.core.nodes.findById(t.nodeId!)!.address);
      assert.equal(env.MA_CURRENT_TASK_NAME, `worker-${t.index}`);
    }
    assert.equal(
      (await maCall(hub, "POST", `${JOBS}/${id}/actions`, { action_type: "terminate" })).status,
      202,
    );
  });

  it("maps schedule_policy to priority and preemptible, auto_stop to a time limit, GPUs from the flavor", async () => {
    const res = await create(
      jobBody(
        "policy",
        { FAKE_RUN_FOR_MS: "0" },
        {
          spec: {
            resource: { flavor_id: "corral.gpu.1x-nvidia-fake-80gb.4u16g", node_count: 1 },
            schedule_policy: { priority: 3, preemptible: true },
            auto_stop: { time_unit: "HOURS", duration: 2 },
          },
        },
      ),
    );
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.spec.schedule_policy, { priority: 3, preemptible: true });
    const w = hub.hub.core.workloads.find(res.body.metadata.id)!;
    assert.equal(w.preemptible, true);
    assert.equal(w.priority, 52);
    assert.equal(w.lease?.durationMs, 2 * 3_600_000);
    assert.equal(w.roles[0]!.resources.gpu, 1);
    await untilPhase(res.body.metadata.id, "Completed");
  });

  it("answers the documented errors", async () => {
    const missing = await maCall(hub, "GET", `${JOBS}/6b7f8a3e-1111-4222-8333-944445555666`);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error_code, "ModelArts.2775");
    assert.equal(typeof missing.body.error_msg, "string");
    assert.equal((await maCall(hub, "GET", `${JOBS}/not-an-id/events`)).body.error_code, "ModelArts.2775");
    const flavor = await create(
      jobBody("bad-flavor", {}, { spec: { resource: { flavor_id: "modelarts.vm.cpu.2u" } } }),
    );
    assert.equal(flavor.body.error_code, "ModelArts.0103");
    assert.match(String(flavor.body.error_msg), /flavor_id/);
    const pool = await create(
      jobBody("bad-pool", {}, { spec: { resource: { flavor_id: CPU_FLAVOR, pool_id: "pool-x" } } }),
    );
    assert.equal(pool.body.error_code, "ModelArts.2887");
    const ws = await create({
      ...jobBody("bad-ws", {}),
      metadata: { name: "bad-ws", workspace_id: "ffffffffffffffffffffffffffffffff" },
    });
    assert.equal(ws.body.error_code, "ModelArts.7005");
    const engine = await create({
      ...jobBody("preset", {}),
      algorithm: { engine: { engine_name: "PyTorch", engine_version: "2.1" } },
    });
    assert.equal(engine.body.error_code, "ModelArts.0108");
    const name = await create(jobBody("bad name!", {}));
    assert.equal(name.body.error_code, "ModelArts.0103");
    const task = await maCall(
      hub,
      "GET",
      `${JOBS}/${(await create(jobBody("t-err", { FAKE_RUN_FOR_MS: "0" }))).body.metadata.id}/tasks/worker-9/logs/preview`,
    );
    assert.equal(task.body.error_code, "ModelArts.0104");
    const noToken = await maCall(hub, "GET", `${JOBS}/x`, undefined, null);
    assert.equal(noToken.status, 401);
  });

  it("refuses a job larger than its workspace's hard limits with ModelArts.2815", async () => {
    const pool = hub.hub.core.nodePools.find("default")!;
    const amount = (limit: number | null) => ({ deserved: 0, limit, overQuotaWeight: 1 });
    const unit = hub.hub.core.quotaUnits.create({
      name: "small-ws",
      kind: "workspace",
      allocations: [{ nodePoolId: pool.id, gpu: amount(0), cpuMilli: amount(4000), memoryMiB: amount(null) }],
    });
    const wsId = unit.id.replace(/-/g, "");
    const over = await create({
      ...jobBody("too-big", {}),
      metadata: { name: "too-big", workspace_id: wsId },
      spec: { resource: { flavor_id: CPU_FLAVOR, node_count: 3 } },
    });
    assert.equal(over.status, 400);
    assert.equal(over.body.error_code, "ModelArts.2815");
    const fits = await create({
      ...jobBody("fits", { FAKE_RUN_FOR_MS: "0" }),
      metadata: { name: "fits", workspace_id: wsId },
    });
    assert.equal(fits.status, 201, fits.text);
    assert.equal(fits.body.metadata.workspace_id, wsId);
    assert.equal(hub.hub.core.workloads.find(fits.body.metadata.id)!.quotaUnitId, unit.id);
  });

  it("shows a user only their own jobs: others' are 403 ModelArts.0106 and left out of searches", async () => {
    const core = hub.hub.core;
    const bob = await core.users.create({ username: "bob", password: "bob-password-1" });
    const bobToken = core.auth.issue(bob, "login", 3600).token;
    const mine = await maCall<Job>(
      hub,
      "POST",
      JOBS,
      jobBody("bobs-job", { FAKE_RUN_FOR_MS: "0" }),
      bobToken,
    );
    assert.equal(mine.status, 201, mine.text);
    assert.equal(mine.body.metadata.user_name, "bob");
    const adminJob = (await create(jobBody("admins-job", { FAKE_RUN_FOR_MS: "0" }))).body.metadata.id;
    const other = await maCall(hub, "GET", `${JOBS}/${adminJob}`, undefined, bobToken);
    assert.equal(other.status, 403);
    assert.equal(other.body.error_code, "ModelArts.0106");
    const search = await maCall<{ items: Job[] }>(
      hub,
      "POST",
      "/v2/{project_id}/training-job-searches",
      {},
      bobToken,
    );
    assert.deepEqual(
      search.body.items.map((j) => j.metadata.name),
      ["bobs-job"],
    );
    // The admin sees everyone's.
    assert.equal((await maCall(hub, "GET", `${JOBS}/${mine.body.metadata.id}`)).status, 200);
  });

  it("answers paths under another project id with ModelArts.0210", async () => {
    assert.notEqual(projectIdOf(hub), "0".repeat(32));
    const res = await maCall(hub, "POST", `/v2/${"0".repeat(32)}/training-job-searches`, {});
    assert.equal(res.body.error_code, "ModelArts.0210");
  });
});
