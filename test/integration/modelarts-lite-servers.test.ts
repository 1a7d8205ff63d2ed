import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { Workload } from "../../hub/core/model";
import { fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

type Json = Record<string, unknown>;
interface Page<T> {
  current: number;
  data: T[];
  pages: number;
  size: number;
  total: number;
}
interface Server {
  id: string;
  name: string;
  status: string;
  flavor: string;
  key_pair_name: string;
  charging_mode: string;
  cloud_server: { id: string; type: string };
  image: { image_id: string; name: string; arch: string; server_type: string; status: string };
  create_at: number;
  update_at: number;
}
interface Job {
  id: string;
  name: string;
  status: string;
  type: string;
  user_name: string;
  template_id: string;
  abnormal_count: number;
  items: { type: string; spec: Record<string, string> }[];
  tasks: { id: string; server_id: string; server_name: string; status: string; message: string }[];
}

const DS = "/v1/{project_id}/dev-servers";
const FLAVOR = "corral.cpu.8u32g";

/**
 * ModelArts Lite Servers over a real hub and two FakeRuntime nodes of one shape (8 cores, 32 GiB):
 * a server leases a whole node through core.nodeReservations, the scheduler keeps other work off
 * it, its jobs run pinned there, stop/start/reboot/delete act on the node's real work.
 */
describe("integration: ModelArts Lite Servers", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const runtimes = new Map<string, FakeRuntime>();
  let alice = "";
  let bob = "";
  let imageId = "";
  let server: Server;
  let job: Job;
  let normal: Workload;
  let bobServer = "";

  const core = () => hub.hub.core;
  const get = (id: string, token = alice) => maCall<Server>(hub, "GET", `${DS}/${id}`, undefined, token);
  const until = (id: string, status: string) =>
    waitFor(async () => {
      const res = await get(id);
      return res.body.status === status ? res.body : null;
    }, `server ${status}`);
  const nodeOf = (name: string) => core().nodes.get(name);
  const jobTask = () => core().workloads.tasks(job.id)[0]!;
  const running = (name: string) =>
    runtimes
      .get(name)!
      .containers()
      .filter((c) => c.state === "running");

  before(async () => {
    hub = await startTestHub();
    for (const name of ["lite1", "lite2"]) {
      const runtime = new FakeRuntime({ nodeId: name });
      runtimes.set(name, runtime);
      const agent = startTestAgent(hub, { name, runtime, hardware: fakeHardware({ hostname: name }) });
      agents.push(agent);
      await agent.welcomed();
    }
    await waitFor(
      () =>
        core()
          .nodes.list()
          .every((n) => n.runtime?.available),
      "runtimes reported",
    );
    for (const u of ["alice", "bob"]) await core().users.create({ username: u, password: `${u}-password-1` });
    alice = (await core().auth.login("alice", "alice-password-1")).token;
    bob = (await core().auth.login("bob", "bob-password-1")).token;
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("derives whole-node flavors and OS images from the node inventory", async () => {
    const flavors = await maCall<Page<Json>>(
      hub,
      "GET",
      `${DS}/flavors?server_type=BMS&arch=X86`,
      undefined,
      alice,
    );
    assert.equal(flavors.status, 200, flavors.text);
    const f = flavors.body.data.find((x) => x.flavor === FLAVOR);
    assert.ok(f, flavors.text);
    assert.deepEqual([f.count, f.is_sold_out, f.flavor_type, f.arch], [2, false, "CPU", "X86"]);
    // Only whole nodes are leased: the 4-core split of the shape is not a Lite Server flavor.
    assert.ok(!flavors.body.data.some((x) => x.flavor === "corral.cpu.4u16g"));
    const arm = await maCall<Page<Json>>(hub, "GET", `${DS}/flavors?arch=ARM`, undefined, alice);
    assert.equal(arm.body.total, 0);

    const images = await maCall<Page<Json>>(
      hub,
      "GET",
      `${DS}/images?flavor_name=${FLAVOR}`,
      undefined,
      alice,
    );
    assert.equal(images.body.total, 1, images.text);
    const image = images.body.data[0]!;
    assert.equal(image.name, "Debian GNU/Linux 12");
    assert.equal(image.arch, "X86");
    imageId = String(image.image_id);
    assert.match(imageId, /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const one = await maCall<Json>(hub, "GET", `${DS}/images/${imageId}`, undefined, alice);
    assert.equal(one.body.image_id, imageId);
    const missing = await maCall<Json>(
      hub,
      "GET",
      `${DS}/images/00000000-0000-4000-8000-000000000000`,
      undefined,
      alice,
    );
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error_code, "ModelArts.0104");
  });

  it("validates a create request at the edge, naming the field", async () => {
    const both = await maCall<Json>(
      hub,
      "POST",
      DS,
      { name: "x", flavor: FLAVOR, admin_pass: "Passw0rd!x", key_pair_name: "k" },
      alice,
    );
    assert.equal(both.status, 400);
    assert.match(String(both.body.error_msg), /key_pair_name/);
    const noFlavor = await maCall<Json>(
      hub,
      "POST",
      DS,
      { name: "x", flavor: "corral.cpu.99u1g", key_pair_name: "k" },
      alice,
    );
    assert.equal(noFlavor.status, 400);
    assert.match(String(noFlavor.body.error_msg), /flavor/);
    const disks = await maCall<Json>(
      hub,
      "POST",
      DS,
      { name: "x", flavor: FLAVOR, key_pair_name: "k", data_volume: { size: 100 } },
      alice,
    );
    assert.equal(disks.status, 400);
    assert.equal(disks.body.error_code, "ModelArts.0108");
    assert.match(String(disks.body.error_msg), /not supported.*EVS/);
    assert.equal(core().nodeReservations.list().length, 0, "a refused create reserves nothing");
  });

  it("creates a Lite Server from the documents' request: it leases a free node whole", async () => {
    const res = await maCall<Server>(
      hub,
      "POST",
      DS,
      {
        name: "lite-server-01",
        flavor: FLAVOR,
        image_id: imageId,
        arch: "X86",
        server_type: "BMS",
        key_pair_name: "KeyPair-1",
        count: 1,
        charging_info: { charging_mode: "POST_PAID" },
        network: {
          vpc_id: "0b4a2f3e-8f42-4b2b-9a4e-6f8f2f2f2f2f",
          subnet_id: "5a1e7e9a-3a0b-4d7b-8d87-1b1b1b1b1b1b",
        },
        root_volume: { type: "SSD", size: 100 },
      },
      alice,
    );
    assert.equal(res.status, 200, res.text);
    server = res.body;
    assert.equal(server.status, "RUNNING");
    assert.equal(server.name, "lite-server-01");
    assert.equal(server.flavor, FLAVOR);
    assert.equal(server.key_pair_name, "KeyPair-1");
    assert.equal(server.image.image_id, imageId);
    assert.equal(server.cloud_server.id, nodeOf("lite1").id);
    assert.equal(core().nodeReservations.forNode(nodeOf("lite1").id)?.id, server.id);
    // Its operation id is the request id; the create is done once the server runs.
    const op = await maCall<Json>(
      hub,
      "GET",
      `${DS}/${server.id}/operation/${res.headers.get("x-request-id")}`,
      undefined,
      alice,
    );
    assert.deepEqual([op.body.operation_type, op.body.operation_status], ["CREATE", "SUCCESS"]);

    const flavors = await maCall<Page<Json>>(hub, "GET", `${DS}/flavors`, undefined, alice);
    assert.equal(flavors.body.data.find((x) => x.flavor === FLAVOR)?.count, 1);
  });

  it("keeps other work off the leased node, with the reservation as the waiting reason", async () => {
    // Bob leases the other node, so nothing is left for a normal workload.
    const b = await maCall<Server>(
      hub,
      "POST",
      DS,
      { name: "bobs", flavor: FLAVOR, key_pair_name: "k" },
      bob,
    );
    assert.equal(b.status, 200, b.text);
    assert.equal(b.body.cloud_server.id, nodeOf("lite2").id);
    const sold = await maCall<Json>(
      hub,
      "POST",
      DS,
      { name: "third", flavor: FLAVOR, key_pair_name: "k" },
      alice,
    );
    assert.equal(sold.status, 400);
    assert.equal(sold.body.error_code, "ModelArts.0105");
    assert.match(String(sold.body.error_msg), /sold out/);

    normal = core().workloads.submit({
      name: "normal",
      owner: "alice",
      roles: [
        {
          name: "main",
          image: "busybox",
          command: [],
          env: {},
          instances: 1,
          resources: { cpuMilli: 100, memoryMiB: 64, gpu: 0 },
          ports: [],
          maxAttempts: 1,
        },
      ],
    }).workload;
    const reason = await waitFor(() => {
      const r = core().workloads.tasks(normal.id)[0]?.reason ?? "";
      return /reserved/.test(r) ? r : null;
    }, "the reservation as the waiting reason");
    assert.match(reason, /reserved as a Lite Server/);
    assert.equal(core().workloads.tasks(normal.id)[0]?.state, "pending");
    // Bob's server is his: Alice does not see it, and Bob cannot run a job on Alice's.
    assert.equal((await get(b.body.id)).status, 404);
    const intrude = await maCall<Json>(
      hub,
      "POST",
      `${DS}/jobs`,
      {
        name: "j",
        server_ids: [server.id],
        type: "COMMON",
        items: [{ type: "COMMON", spec: { image: "busybox" } }],
      },
      bob,
    );
    assert.equal(intrude.status, 404, intrude.text);
    bobServer = b.body.id;
  });

  it("runs a job on the server as a workload pinned to its node, owned by the holder", async () => {
    const res = await maCall<Job>(
      hub,
      "POST",
      `${DS}/jobs`,
      {
        name: "job-01",
        description: "collect",
        server_ids: [server.id],
        type: "COMMON",
        is_reboot: false,
        items: [{ type: "COMMON", spec: { image: "busybox", command: "sleep 1000", LOG_LEVEL: "debug" } }],
      },
      alice,
    );
    assert.equal(res.status, 200, res.text);
    job = res.body;
    assert.equal(job.user_name, "alice");
    assert.equal(job.tasks.length, 1);
    assert.equal(job.tasks[0]?.server_id, server.id);
    await waitFor(
      () => running("lite1").some((c) => c.workloadId === job.id),
      "the job's container on lite1",
    );
    const w = core().workloads.resolve(job.id);
    assert.equal(w.roles[0]?.nodeId, nodeOf("lite1").id);
    assert.deepEqual(w.roles[0]?.command, ["sh", "-c", "sleep 1000"]);
    assert.equal(w.roles[0]?.env.LOG_LEVEL, "debug");
    const got = await maCall<Job>(hub, "GET", `${DS}/jobs/${job.id}`, undefined, alice);
    assert.equal(got.body.status, "RUNNING");
    assert.equal(got.body.tasks[0]?.status, "RUNNING");
    assert.equal(got.body.tasks[0]?.server_name, "lite-server-01");
    const list = await maCall<Page<Job>>(hub, "GET", `${DS}/jobs?status=RUNNING`, undefined, alice);
    assert.deepEqual(
      list.body.data.map((j) => j.id),
      [job.id],
    );
    assert.equal((await maCall<Page<Job>>(hub, "GET", `${DS}/jobs`, undefined, bob)).body.total, 0);
    // The normal workload still waits: the job did not open the node.
    assert.equal(core().workloads.tasks(normal.id)[0]?.state, "pending");
    const bad = await maCall<Json>(
      hub,
      "POST",
      `${DS}/jobs`,
      {
        name: "j2",
        server_ids: [server.id],
        type: "COMMON",
        items: [{ type: "COMMON", spec: { command: "true" } }],
      },
      alice,
    );
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error_msg), /items\[0\]\.spec\.image/);
  });

  it("stop drains the node and cordons it; start reopens it to the holder's job", async () => {
    const stop = await maCall<Server>(hub, "PUT", `${DS}/${server.id}/stop`, undefined, alice);
    assert.equal(stop.status, 200, stop.text);
    assert.ok(["STOPPING", "STOPPED"].includes(stop.body.status), stop.body.status);
    await until(server.id, "STOPPED");
    assert.equal(running("lite1").length, 0, "the job's container stopped");
    assert.equal(nodeOf("lite1").schedulable, false);
    const waiting = await waitFor(
      () => (jobTask().state === "pending" ? jobTask() : null),
      "the job back to pending",
    );
    assert.match(String(waiting.reason), /cordoned/);
    const op = await maCall<Json>(
      hub,
      "GET",
      `${DS}/${server.id}/operation/${stop.headers.get("x-request-id")}`,
      undefined,
      alice,
    );
    assert.deepEqual([op.body.operation_type, op.body.operation_status], ["STOP", "SUCCESS"]);
    const again = await maCall<Json>(hub, "PUT", `${DS}/${server.id}/stop`, undefined, alice);
    assert.equal(again.status, 400);
    assert.match(String(again.body.error_msg), /STOPPED/);

    const start = await maCall<Server>(hub, "PUT", `${DS}/${server.id}/start`, undefined, alice);
    assert.equal(start.status, 200, start.text);
    assert.equal(start.body.status, "RUNNING");
    await waitFor(() => jobTask().state === "running" && jobTask().attempt === 2, "the job running again");
    assert.equal(
      core().workloads.tasks(normal.id)[0]?.state,
      "pending",
      "start reopens the node to its holder only",
    );
  });

  it("reboot restarts every container on the node as its next attempt", async () => {
    const before = jobTask().attempt;
    const res = await maCall<Server>(hub, "PUT", `${DS}/${server.id}/reboot`, undefined, alice);
    assert.equal(res.status, 200, res.text);
    await waitFor(
      () => jobTask().state === "running" && jobTask().attempt === before + 1,
      "the job restarted",
    );
    await until(server.id, "RUNNING");
    const op = await maCall<Json>(
      hub,
      "GET",
      `${DS}/${server.id}/operation/${res.headers.get("x-request-id")}`,
      undefined,
      alice,
    );
    assert.deepEqual([op.body.operation_type, op.body.operation_status], ["REBOOT", "SUCCESS"]);
  });

  it("lists, renames, syncs and acts in batches on the holder's servers; all is the admin's", async () => {
    const renamed = await maCall<Server>(hub, "PUT", `${DS}/${server.id}`, { name: "renamed-01" }, alice);
    assert.equal(renamed.body.name, "renamed-01");
    const bad = await maCall<Json>(hub, "PUT", `${DS}/${server.id}`, { name: "bad name!" }, alice);
    assert.equal(bad.status, 400);
    const list = await maCall<Page<Server>>(
      hub,
      "GET",
      `${DS}?limit=10&offset=0&sort_key=name&sort_dir=ASC`,
      undefined,
      alice,
    );
    assert.deepEqual(
      [list.body.total, list.body.data[0]?.name, list.body.data[0]?.status],
      [1, "renamed-01", "RUNNING"],
    );
    const bobs = await maCall<Page<Server>>(hub, "GET", DS, undefined, bob);
    assert.deepEqual(
      bobs.body.data.map((x) => x.id),
      [bobServer],
    );
    const sync = await maCall<Page<Server>>(hub, "PUT", `${DS}/sync`, undefined, alice);
    assert.equal(sync.body.data[0]?.status, "RUNNING");
    const all = await maCall<Page<Server>>(hub, "GET", `${DS}/all?owner=alice`);
    assert.deepEqual(
      all.body.data.map((s) => s.id),
      [server.id],
    );
    const notAdmin = await maCall<Json>(hub, "GET", `${DS}/all`, undefined, alice);
    assert.equal(notAdmin.status, 403);

    const os = await maCall<Json>(
      hub,
      "POST",
      `${DS}/action`,
      { type: "CHANGEOS", servers: [{ id: server.id }] },
      alice,
    );
    assert.equal(os.body.error_code, "ModelArts.0108");
    const stop = await maCall<Page<Server>>(
      hub,
      "POST",
      `${DS}/action`,
      { type: "STOP", servers: [{ id: server.id }] },
      alice,
    );
    assert.equal(stop.status, 200, stop.text);
    await until(server.id, "STOPPED");
    const start = await maCall<Page<Server>>(
      hub,
      "POST",
      `${DS}/action`,
      { type: "START", servers: [{ id: server.id }] },
      alice,
    );
    assert.equal(start.body.data[0]?.status, "RUNNING");
    await waitFor(() => jobTask().state === "running", "the job running after the batch start");
  });

  it("lists algorithms as job templates and runs a job from one with its parameters", async () => {
    const t = core().jobTemplates.create({
      scope: "modelarts",
      name: "echoer",
      description: "prints",
      owner: "alice",
      quotaUnitId: null,
      image: "busybox",
      command: "echo",
      parameters: [{ name: "greeting", value: "hello", description: "what to print" }],
      inputs: [],
      outputs: [],
      env: {},
      meta: {},
    });
    const list = await maCall<Page<Json>>(hub, "GET", `${DS}/jobs/templates?name=echo`, undefined, alice);
    assert.deepEqual(
      list.body.data.map((x) => x.id),
      [t.id],
    );
    assert.equal(
      (await maCall<Page<Json>>(hub, "GET", `${DS}/jobs/templates`, undefined, bob)).body.total,
      0,
    );
    const one = await maCall<Json>(hub, "GET", `${DS}/jobs/templates/${t.id}`, undefined, alice);
    assert.deepEqual([one.body.cmd, one.body.swr_path], ["echo", "busybox"]);
    const made = await maCall<Job>(
      hub,
      "POST",
      `${DS}/jobs`,
      {
        name: "from-template",
        server_ids: [server.id],
        type: "SERVICE_DEPLOY",
        items: [{ type: "COMMON", spec: { template_id: t.id, greeting: "hi", model_name: "m1" } }],
      },
      alice,
    );
    assert.equal(made.status, 200, made.text);
    assert.equal(made.body.template_id, t.id);
    assert.deepEqual(core().workloads.resolve(made.body.id).roles[0]?.command, [
      "sh",
      "-c",
      "echo --greeting=hi",
    ]);
    const svc = await maCall<Json>(hub, "GET", `${DS}/jobs/services/${made.body.id}`, undefined, alice);
    assert.equal(svc.status, 200, svc.text);
    assert.deepEqual(svc.body.model, { name: "m1", url: "", quant_type: "" });
    const notSvc = await maCall<Json>(hub, "GET", `${DS}/jobs/services/${job.id}`, undefined, alice);
    assert.equal(notSvc.status, 400);
    const del = await maCall<Page<Job>>(hub, "DELETE", `${DS}/jobs`, { job_ids: [made.body.id] }, alice);
    assert.equal(del.status, 200, del.text);
    assert.equal(
      (await maCall<Json>(hub, "GET", `${DS}/jobs/${made.body.id}`, undefined, alice)).status,
      404,
    );
  });

  it("answers the cloud-only operations with ModelArts.0108 and a reason, never 404", async () => {
    const id = server.id;
    const calls: [string, string][] = [
      ["POST", `${DS}/${id}/changeos`],
      ["POST", `${DS}/${id}/reinstallos`],
      ["POST", `${DS}/${id}/attachvolume`],
      ["DELETE", `${DS}/${id}/detachvolume/v1`],
      ["POST", `${DS}/${id}/publicips`],
      ["GET", `${DS}/${id}/publicips`],
      ["POST", `${DS}/networks`],
      ["GET", `${DS}/instance-physical-topologies`],
      ["POST", `${DS}/hyper-clusters`],
      ["GET", `${DS}/hyper-clusters`],
      ["GET", `${DS}/hyper-clusters/h1`],
      ["DELETE", `${DS}/hyper-clusters/h1`],
      ["GET", `${DS}/hyperinstance`],
      ["GET", `${DS}/hyperinstance/all`],
      ["POST", `${DS}/hyperinstance/cluster-capacity-evaluations`],
      ["GET", `${DS}/hyperinstance/h1`],
      ["DELETE", `${DS}/hyperinstance/h1`],
      ["PUT", `${DS}/hyperinstance/h1/start`],
      ["PUT", `${DS}/hyperinstance/h1/stop`],
      ["POST", `${DS}/hyperinstance/h1/changeos`],
      ["GET", `${DS}/hyperinstance/h1/operation/o1`],
      ["POST", `${DS}/hyperinstance/h1/tags/create`],
      ["POST", `${DS}/hyperinstance/h1/tags/delete`],
      ["GET", `${DS}/hyperinstance/h1/tags`],
      ["POST", `${DS}/hyperinstance/h1/live-scale-up`],
      ["POST", `${DS}/hyperinstance/h1/live-scale-down`],
      ["GET", `${DS}/hyperinstance/h1/scale-evaluations`],
    ];
    for (const [method, path] of calls) {
      const res = await maCall<Json>(hub, method, path, method === "GET" ? undefined : {}, alice);
      assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.error_code, "ModelArts.0108", `${method} ${path}`);
      assert.match(String(res.body.error_msg), /is not supported by this hub: .+/);
    }
  });

  it("delete releases the node: the job stops and the waiting workload starts there", async () => {
    const res = await maCall<Server>(hub, "DELETE", `${DS}/${server.id}`, undefined, alice);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, "DELETED");
    assert.equal(core().nodeReservations.find(server.id), undefined);
    await waitFor(() => core().workloads.resolve(job.id).state === "stopped", "the job stopped");
    await waitFor(
      () => core().workloads.tasks(normal.id)[0]?.state === "running",
      "the normal workload running",
    );
    assert.equal(core().workloads.tasks(normal.id)[0]?.nodeId, nodeOf("lite1").id);
    assert.equal((await get(server.id)).status, 404);
    const bobs = await maCall<Server>(hub, "DELETE", `${DS}/${bobServer}`, undefined, bob);
    assert.equal(bobs.body.status, "DELETED");
    assert.equal(nodeOf("lite2").schedulable, true);
  });
});
