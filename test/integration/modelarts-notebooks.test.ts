import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

type Json = Record<string, unknown>;
interface Notebook {
  id: string;
  name: string;
  status: string;
  url: string;
  token: string;
  flavor: string;
  description: string;
  workspace_id: string;
  image: { id: string; swr_path: string };
  volume: { mount_path: string; capacity: number; ownership: string };
  lease: { enable: boolean; duration: number; create_at: number; type: string };
  action_progress: { step: number; status: string }[];
  create_at: number;
  user: { id: string; name: string };
  tags: { key: string; value: string }[];
}
interface Flavor {
  id: string;
  category: string;
  vcpus: number;
  memory: number;
  sold_out: boolean;
  gpu?: { gpu: number; type: string };
}
interface Page<T> {
  current: number;
  data: T[];
  pages: number;
  size: number;
  total: number;
}

const NB = "/v1/{project_id}/notebooks";
const IMG = "/v1/{project_id}/images";

/** ModelArts notebooks and images over a real hub with FakeRuntime agents (one 8-core node with 2 GPUs). */
describe("integration: ModelArts notebooks and images", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let runtime: FakeRuntime;
  let imageId = "";
  const nb = (id: string) => maCall<Notebook>(hub, "GET", `${NB}/${id}`);
  const until = (id: string, status: string) =>
    waitFor(async () => {
      const res = await nb(id);
      return res.body.status === status ? res.body : null;
    }, `notebook ${status}`);

  before(async () => {
    hub = await startTestHub({
      CORRAL_MODELARTS_NOTEBOOK_QUOTA: "2",
      CORRAL_MODELARTS_STORAGE: "datasets=/srv/datasets",
    });
    runtime = new FakeRuntime({ nodeId: "gpu1" });
    agent = startTestAgent(hub, {
      name: "gpu1",
      runtime,
      hardware: fakeHardware({ hostname: "gpu1", cores: 8, memoryMiB: 65536, gpus: fakeGpus(2) }),
    });
    await agent.welcomed();
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("registers an image (any reference agents can pull) and lists, shows and groups it", async () => {
    const reg = await maCall<Json>(hub, "POST", IMG, {
      swr_path: "bars/busybox:1",
      description: "test image",
      service_type: "DEV",
      arch: "X86_64",
    });
    assert.equal(reg.status, 200, reg.text);
    assert.equal(reg.body.swr_path, "bars/busybox:1");
    assert.equal(reg.body.name, "busybox");
    assert.equal(reg.body.namespace, "bars");
    assert.equal(reg.body.tag, "1");
    assert.equal(typeof reg.body.create_at, "number");
    imageId = reg.body.id as string;
    const dup = await maCall<Json>(hub, "POST", IMG, { swr_path: "bars/busybox:1" });
    assert.equal(dup.status, 409, dup.text);
    const bad = await maCall<Json>(hub, "POST", IMG, { swr_path: "Not A Reference" });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error_msg), /reference/);

    const list = await maCall<Page<Json>>(hub, "GET", `${IMG}?limit=10&offset=0`);
    assert.deepEqual([list.body.total, list.body.current, list.body.pages, list.body.size], [1, 1, 1, 1]);
    assert.equal((await maCall<Json>(hub, "GET", `${IMG}/${imageId}`)).body.id, imageId);
    const groups = await maCall<Page<Json>>(hub, "GET", `${IMG}/group`);
    assert.equal(groups.body.total, 1);
    assert.equal(groups.body.data[0]?.version_count, 1);
    const missing = await maCall<Json>(hub, "GET", `${IMG}/00000000-0000-0000-0000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error_code, "ModelArts.6702");
  });

  it("derives notebook flavors from the node inventory: CPU slices that fit, GPU slices per model", async () => {
    const res = await maCall<Page<Flavor> & { flavors: Flavor[] }>(hub, "GET", `${NB}/flavors?limit=100`);
    assert.equal(res.status, 200);
    const ids = res.body.flavors.map((f) => f.id);
    assert.ok(ids.includes("modelarts.vm.cpu.2u8g"), ids.join());
    assert.ok(!ids.some((id) => id.startsWith("modelarts.vm.cpu.16u")), "16 vCPUs do not fit an 8-core node");
    const gpu = res.body.flavors.filter((f) => f.category === "GPU");
    assert.deepEqual(
      gpu.map((f) => f.gpu?.gpu),
      [1, 2],
    );
    const cpuOnly = await maCall<{ flavors: Flavor[] }>(hub, "GET", `${NB}/flavors?category=GPU`);
    assert.ok(cpuOnly.body.flavors.every((f) => f.category === "GPU"));
  });

  it("creates a notebook that runs with the managed volume, a lease and a url through the hub tunnel", async () => {
    const res = await maCall<Notebook>(hub, "POST", NB, {
      name: "nb-1",
      description: "my notebook",
      flavor: "modelarts.vm.cpu.2u8g",
      image_id: imageId,
      volume: { category: "EVS", ownership: "MANAGED", capacity: 5 },
      lease: { duration: 3_600_000, type: "timing" },
      workspace_id: "0",
    });
    assert.equal(res.status, 200, res.text);
    assert.ok(["CREATING", "RUNNING"].includes(res.body.status));
    assert.equal(res.body.volume.mount_path, "/home/ma-user/work/");
    assert.equal(res.body.workspace_id, "0");
    assert.equal(res.body.image.swr_path, "bars/busybox:1");
    assert.equal(res.body.action_progress.length, 4);
    const running = await until(res.body.id, "RUNNING");
    assert.match(running.url, /\/api\/corral\/v1\/workloads\/[^/]+\/tasks\/0\/ports\/8888\/\?corral_token=/);
    assert.ok(running.token.length > 20);
    assert.equal(running.lease.enable, true);
    assert.equal(running.lease.duration, 3_600_000);
    assert.equal(typeof running.lease.create_at, "number");
    assert.ok(running.action_progress.every((s) => s.status === "COMPLETED"));
    assert.equal(running.user.name, "admin");

    // The task asks the scheduler for the flavor and mounts the volume at /home/ma-user/work.
    const role = hub.hub.core.workloads.find(res.body.id)?.roles[0];
    assert.deepEqual(role?.volumes, [{ name: "work", mountPath: "/home/ma-user/work" }]);
    assert.deepEqual(role?.resources, { cpuMilli: 2000, memoryMiB: 8192, gpu: 0 });
    assert.equal(role?.image, "bars/busybox:1");
    assert.ok(
      runtime.volumes().some((v) => v.labels["corral.workload"] === res.body.id || v.name.includes("work")),
      "the agent made the volume",
    );

    const list = await maCall<Page<Notebook>>(hub, "GET", `${NB}?name=nb&limit=10`);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.data[0]?.id, res.body.id);
    assert.equal((await maCall<Page<Notebook>>(hub, "GET", `${NB}?status=STOPPED`)).body.total, 0);
    assert.equal((await maCall<Page<Notebook>>(hub, "GET", `${NB}/all`)).body.total, 1);
  });

  it("saves a running notebook as an image on its node (create-image) and registers it", async () => {
    const id = (await maCall<Page<Notebook>>(hub, "GET", NB)).body.data[0]?.id as string;
    const res = await maCall<Json>(hub, "POST", `${NB}/${id}/create-image`, {
      name: "my-env",
      namespace: "team",
      tag: "v1",
      description: "saved notebook",
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.swr_path, "team/my-env:v1");
    assert.equal(res.body.origin, "IMAGE_SAVE");
    assert.equal(res.body.status, "ACTIVE");
    assert.match(String(res.body.status_message), /gpu1/);
    assert.ok(runtime.committed.has("team/my-env:v1"), "the agent committed the container");
    assert.equal((await nb(id)).body.status, "RUNNING", "back from SNAPSHOTTING");
    const bad = await maCall<Json>(hub, "POST", `${NB}/${id}/create-image`, {
      name: "UPPER",
      namespace: "t",
      tag: "1",
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error_msg), /name/);
  });

  it("mounts OBS storage from a declared node directory by restarting the notebook, and unmounts it", async () => {
    const id = (await maCall<Page<Notebook>>(hub, "GET", NB)).body.data[0]?.id as string;
    const S = `${NB}/${id}/storage`;
    const undeclared = await maCall<Json>(hub, "POST", S, {
      category: "OBS",
      uri: "obs://other/x/",
      mount_path: "/data/x",
    });
    assert.deepEqual([undeclared.status, undeclared.body.error_code], [400, "ModelArts.6338"]);
    const climb = await maCall<Json>(hub, "POST", S, {
      category: "OBS",
      uri: "obs://datasets/../etc/",
      mount_path: "/data/x",
    });
    assert.equal(climb.status, 400);
    const mount = await maCall<Json>(hub, "POST", S, {
      category: "OBS",
      uri: "obs://datasets/imagenet/",
      mount_path: "/data/imagenet",
    });
    assert.equal(mount.status, 200, mount.text);
    assert.equal(mount.body.status, "MOUNTING");
    const storageId = mount.body.id as string;
    const mounted = await waitFor(async () => {
      const s = await maCall<Json>(hub, "GET", `${S}/${storageId}`);
      return s.body.status === "MOUNTED" ? s.body : null;
    }, "storage MOUNTED");
    assert.equal(mounted.mount_path, "/data/imagenet");
    await until(id, "RUNNING");
    assert.deepEqual(hub.hub.core.workloads.find(id)?.roles[0]?.hostPaths, [
      { hostPath: "/srv/datasets/imagenet", mountPath: "/data/imagenet", readOnly: false },
    ]);
    const list = await maCall<Page<Json>>(hub, "GET", S);
    assert.equal(list.body.total, 1);

    const unmount = await maCall<Json>(hub, "DELETE", `${S}/${storageId}`);
    assert.equal(unmount.body.status, "UNMOUNTING");
    await waitFor(
      async () => ((await maCall<Page<Json>>(hub, "GET", S)).body.total === 0 ? true : null),
      "unmounted",
    );
    await until(id, "RUNNING");
    assert.deepEqual(hub.hub.core.workloads.find(id)?.roles[0]?.hostPaths, []);
    const gone = await maCall<Json>(hub, "GET", `${S}/${storageId}`);
    assert.deepEqual([gone.status, gone.body.error_code], [400, "ModelArts.6339"]);
  });

  it("lists notebook resource pools (clusters with their flavors) and the NOTEBOOK feature's quota", async () => {
    const pools = await maCall<Page<Json>>(hub, "GET", "/v1/{project_id}/authoring/clusters");
    assert.equal(pools.status, 200, pools.text);
    assert.equal(pools.body.total, 1);
    const pool = pools.body.data[0] as Json;
    assert.equal(pool.pool_id, "default");
    assert.equal(pool.status, "ACTIVE");
    assert.ok((pool.flavors as Json[]).length > 0);
    const one = await maCall<Json>(
      hub,
      "GET",
      `/v1/{project_id}/authoring/clusters/${pool.logic_cluster_id as string}`,
    );
    assert.equal(one.body.pool_id, "default");
    const feature = await maCall<Json>(hub, "GET", "/v1/{project_id}/authoring/features/NOTEBOOK");
    assert.deepEqual([feature.body.enabled, feature.body.quota, feature.body.used], [true, 2, 1]);
    const unknown = await maCall<Json>(hub, "GET", "/v1/{project_id}/authoring/features/NOPE");
    assert.equal(unknown.status, 400);

    const second = await maCall<Notebook>(hub, "POST", NB, {
      name: "nb-2",
      flavor: "modelarts.vm.cpu.1u4g",
      image_id: imageId,
    });
    assert.equal(second.status, 200, second.text);
    const third = await maCall<Json>(hub, "POST", NB, {
      name: "nb-3",
      flavor: "modelarts.vm.cpu.1u4g",
      image_id: imageId,
    });
    assert.deepEqual([third.status, third.body.error_code], [400, "ModelArts.0113"]);
    await maCall(hub, "POST", `${NB}/${second.body.id}/stop`);
    await until(second.body.id, "STOPPED");
    assert.equal((await maCall(hub, "DELETE", `${NB}/${second.body.id}`)).status, 200);
  });

  it("answers the documented codes for start, stop, delete and lease in the wrong state", async () => {
    const id = (await maCall<Page<Notebook>>(hub, "GET", NB)).body.data[0]?.id as string;
    const again = await maCall<Json>(hub, "POST", `${NB}/${id}/start`);
    assert.deepEqual([again.status, again.body.error_code], [400, "ModelArts.6305"]);
    const del = await maCall<Json>(hub, "DELETE", `${NB}/${id}`);
    assert.deepEqual([del.status, del.body.error_code], [400, "ModelArts.6304"]);
    const prolong = await maCall<Notebook["lease"]>(hub, "PATCH", `${NB}/${id}/lease`, { duration: 600_000 });
    assert.equal(prolong.status, 200, prolong.text);
    assert.equal(prolong.body.duration, 3_600_000);
    const missing = await maCall<Json>(hub, "GET", `${NB}/00000000-0000-0000-0000-000000000000`);
    assert.deepEqual([missing.status, missing.body.error_code], [400, "ModelArts.6309"]);

    const stop = await maCall<Notebook>(hub, "POST", `${NB}/${id}/stop`);
    assert.equal(stop.status, 200, stop.text);
    await until(id, "STOPPED");
    const stopAgain = await maCall<Json>(hub, "POST", `${NB}/${id}/stop`);
    assert.deepEqual([stopAgain.status, stopAgain.body.error_code], [400, "ModelArts.6307"]);
    const leaseStopped = await maCall<Json>(hub, "PATCH", `${NB}/${id}/lease`, { duration: 600_000 });
    assert.deepEqual([leaseStopped.status, leaseStopped.body.error_code], [400, "ModelArts.6348"]);
  });

  it("changes a stopped notebook's flavor and name, starts it again with a new duration and keeps its volume", async () => {
    const id = (await maCall<Page<Notebook>>(hub, "GET", NB)).body.data[0]?.id as string;
    const put = await maCall<Notebook>(hub, "PUT", `${NB}/${id}`, {
      name: "nb-renamed",
      description: "bigger",
      flavor: "modelarts.vm.cpu.4u16g",
      storage_new_size: 10,
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(
      [put.body.name, put.body.flavor, put.body.volume.capacity],
      ["nb-renamed", "modelarts.vm.cpu.4u16g", 10],
    );
    const shrink = await maCall<Json>(hub, "PUT", `${NB}/${id}`, { storage_new_size: 5 });
    assert.equal(shrink.status, 400);

    const attemptBefore = hub.hub.core.workloads.tasks(id)[0]?.attempt ?? 0;
    const start = await maCall<Notebook>(hub, "POST", `${NB}/${id}/start?duration=7200000&type=timing`);
    assert.equal(start.status, 200, start.text);
    assert.ok(["STARTING", "RUNNING"].includes(start.body.status), start.body.status);
    const running = await until(id, "RUNNING");
    assert.equal(running.lease.duration, 7_200_000);
    assert.equal(hub.hub.core.workloads.tasks(id)[0]?.attempt, attemptBefore + 1);
    assert.equal(hub.hub.core.workloads.find(id)?.roles[0]?.resources.cpuMilli, 4000);
    assert.equal(hub.hub.core.workloads.find(id)?.name, "nb-renamed");

    const flavors = await maCall<{ flavors: Flavor[] }>(hub, "GET", `${NB}/${id}/flavors`);
    assert.ok(flavors.body.flavors.every((f) => f.category === "CPU"));
    const live = await maCall<Json>(hub, "PUT", `${NB}/${id}`, { flavor: "modelarts.vm.cpu.2u8g" });
    assert.deepEqual([live.status, live.body.error_code], [400, "ModelArts.6357"]);
  });

  it("tags notebooks, and deletes a stopped one (gone from lists, 6309 after)", async () => {
    const id = (await maCall<Page<Notebook>>(hub, "GET", NB)).body.data[0]?.id as string;
    const tag = await maCall(hub, "POST", `${NB}/${id}/tags/create`, {
      tags: [{ key: "team", value: "vision" }],
    });
    assert.equal(tag.status, 204, tag.text);
    const tags = await maCall<{ tags: { key: string; values: string[] }[] }>(hub, "GET", `${NB}/tags`);
    assert.deepEqual(tags.body.tags, [{ key: "team", values: ["vision"] }]);
    assert.deepEqual((await nb(id)).body.tags, [{ key: "team", value: "vision" }]);
    await maCall(hub, "DELETE", `${NB}/${id}/tags/delete`, { tags: [{ key: "team" }] });
    assert.deepEqual((await nb(id)).body.tags, []);

    await maCall(hub, "POST", `${NB}/${id}/stop`);
    await until(id, "STOPPED");
    const del = await maCall<Notebook>(hub, "DELETE", `${NB}/${id}`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.body.status, "DELETED");
    assert.equal((await nb(id)).body.status, undefined);
    assert.equal(((await nb(id)).body as unknown as Json).error_code, "ModelArts.6309");
    assert.equal((await maCall<Page<Notebook>>(hub, "GET", NB)).body.total, 0);
  });

  it("validates a create with the field named, and refuses an unknown flavor or image", async () => {
    const noName = await maCall<Json>(hub, "POST", NB, {
      flavor: "modelarts.vm.cpu.2u8g",
      image_id: imageId,
    });
    assert.equal(noName.status, 400);
    assert.match(String(noName.body.error_msg), /name/);
    const flavor = await maCall<Json>(hub, "POST", NB, { name: "x", flavor: "no-such", image_id: imageId });
    assert.match(String(flavor.body.error_msg), /flavor/);
    const image = await maCall<Json>(hub, "POST", NB, {
      name: "x",
      flavor: "modelarts.vm.cpu.2u8g",
      image_id: "nope",
    });
    assert.match(String(image.body.error_msg), /image_id/);
    const ws = await maCall<Json>(hub, "POST", NB, {
      name: "x",
      flavor: "modelarts.vm.cpu.2u8g",
      image_id: imageId,
      workspace_id: "ffffffffffffffffffffffffffffffff",
    });
    assert.deepEqual([ws.status, ws.body.error_code], [400, "ModelArts.7005"]);
  });

  it("syncs an image: present once a node has started it, absent otherwise", async () => {
    const synced = await maCall<Json>(hub, "POST", `${IMG}/${imageId}/sync`);
    assert.equal(synced.status, 200, synced.text);
    assert.equal(synced.body.status, "ACTIVE");
    assert.match(String(synced.body.status_message), /gpu1/);
    const other = await maCall<Json>(hub, "POST", IMG, { swr_path: "nobody/never:1" });
    const absent = await maCall<Json>(hub, "POST", `${IMG}/${other.body.id as string}/sync`);
    assert.equal(absent.body.status, "ERROR");
    const del = await maCall<Json>(hub, "DELETE", `${IMG}/${other.body.id as string}`);
    assert.equal(del.status, 200);
    assert.equal((await maCall<Json>(hub, "GET", `${IMG}/${other.body.id as string}`)).status, 404);
  });
});
