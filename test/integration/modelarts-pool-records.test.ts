import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import type { HardwareSource } from "../../agent/link/hub-link";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Err {
  error_code?: string;
  error_msg?: string;
}
interface Tags extends Err {
  tags: { key: string; values: string[] }[];
}
interface Plugin extends Err {
  metadata: { name: string };
  spec: { template: { name: string; version: string } };
  status: { phase: string; reason: string };
}
interface Template extends Err {
  metadata: { name: string };
  spec: { type: string; versions: { version: string }[] };
}
interface Network extends Err {
  metadata: { name: string; labels: Record<string, string> };
  spec: { cidr: string };
  status: { phase: string };
}

/** Pool tags, plug-ins and their templates, node configuration, OS config, networks and orders. */
describe("integration: ModelArts pool records (tags, plug-ins, node config, networks, orders)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];

  before(async () => {
    hub = await startTestHub();
    // A GPU node whose nvidia-smi reports driver 550.90.07 (the simulated inventory has none).
    const base = fakeHardware({ hostname: "gpu1", cores: 8, memoryMiB: 32768, gpus: fakeGpus(2) });
    const hardware: HardwareSource = {
      inventory: async () => {
        const inv = await base.inventory();
        return { ...inv, gpu: { ...inv.gpu, driverVersion: "550.90.07" } };
      },
      sample: () => base.sample(),
    };
    agents.push(startTestAgent(hub, { name: "gpu1", hardware }));
    await Promise.all(agents.map((a) => a.welcomed()));
    await waitFor(() => hub.hub.core.nodes.list().every((n) => n.hardware !== null), "hardware reported");
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("adds, shows, lists and deletes a pool's resource tags (the TMS examples), kept in the store", async () => {
    const base = "/v1/{project_id}/pools/default/tags";
    const add = await maCall(hub, "POST", `${base}/create`, {
      tags: [
        { key: "key1", value: "value1" },
        { key: "key2", value: "value2" },
      ],
    });
    assert.equal(add.status, 204, add.text);
    const shown = await maCall<Tags>(hub, "GET", base);
    assert.deepEqual(shown.body.tags, [
      { key: "key1", values: ["value1"] },
      { key: "key2", values: ["value2"] },
    ]);
    // Kept in the store (migration 025), not in memory.
    assert.equal(
      hub.hub.core.clusterRecords.list(hub.hub.core.clusters.get("default").id, "modelarts/tag").length,
      2,
    );
    const all = await maCall<Tags>(hub, "GET", "/v1/{project_id}/pools/tags");
    assert.deepEqual(all.body.tags.map((t) => t.key).sort(), ["key1", "key2"]);
    // A value that does not match leaves the tag; a bare key removes it.
    await maCall(hub, "DELETE", `${base}/delete`, {
      tags: [{ key: "key1", value: "other" }, { key: "key2" }],
    });
    assert.deepEqual((await maCall<Tags>(hub, "GET", base)).body.tags, [{ key: "key1", values: ["value1"] }]);
    const bad = await maCall<Err>(hub, "POST", `${base}/create`, { tags: [] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, "ModelArts.50004000");
    const nowhere = await maCall<Err>(hub, "GET", "/v1/{project_id}/pools/nowhere/tags");
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.error_code, "ModelArts.50015001");
  });

  it("plug-in templates carry the versions the nodes report; a pool's plug-in is stored and checked against its nodes", async () => {
    const list = await maCall<{ items: Template[] }>(hub, "GET", "/v2/{project_id}/plugintemplates");
    assert.equal(list.status, 200, list.text);
    const node = hub.hub.core.nodes.list()[0]!;
    const driver = list.body.items.find((t) => t.metadata.name === "gpu-driver")!;
    assert.deepEqual(
      driver.spec.versions.map((v) => v.version),
      ["550.90.07"],
    );
    assert.equal(node.hardware!.driverVersion, "550.90.07");
    const one = await maCall<Template>(hub, "GET", "/v1/{project_id}/plugintemplates/gpu-driver");
    assert.equal(one.body.metadata.name, "gpu-driver");
    assert.equal((await maCall<Err>(hub, "GET", "/v1/{project_id}/plugintemplates/volcano")).status, 404);

    const base = "/v2/{project_id}/pools/default/plugins";
    const made = await maCall<Plugin>(hub, "POST", base, {
      apiVersion: "v2",
      kind: "Plugin",
      spec: { template: { name: "gpu-driver" } },
    });
    assert.equal(made.status, 200, made.text);
    assert.equal(made.body.spec.template.version, "550.90.07");
    assert.equal(made.body.status.phase, "Running");
    const other = await maCall<Plugin>(hub, "POST", base, {
      spec: { template: { name: "gpu-driver", version: "999.1" } },
    });
    assert.equal(other.body.status.phase, "Abnormal");
    assert.match(other.body.status.reason, /gpu1/);
    const plugins = await maCall<{ items: Plugin[] }>(hub, "GET", base);
    assert.deepEqual(
      plugins.body.items.map((p) => [p.metadata.name, p.spec.template.version]),
      [["gpu-driver", "999.1"]],
    );
    const unknown = await maCall<Err>(hub, "POST", base, { spec: { template: { name: "volcano" } } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error_code, "ModelArts.50004000");
  });

  it("node configuration and its templates come from the nodes; the OS config names the quotas", async () => {
    const cfg = await maCall<{ kind: string; spec: { configs: { gpuDriver: string[]; os: string[] } } }>(
      hub,
      "GET",
      "/v2/{project_id}/pools/default/node-config",
    );
    assert.equal(cfg.status, 200, cfg.text);
    const node = hub.hub.core.nodes.list()[0]!;
    assert.deepEqual(cfg.body.spec.configs.gpuDriver, ["550.90.07"]);
    assert.deepEqual(cfg.body.spec.configs.os, [`${node.hardware!.os.distro} ${node.hardware!.os.release}`]);
    const tpl = await maCall<{ spec: { templates: { name: string }[] } }>(
      hub,
      "GET",
      "/v2/{project_id}/pools/default/node-config-template",
    );
    assert.deepEqual(
      tpl.body.spec.templates.map((t) => t.name),
      ["default"],
    );
    const named = await maCall<{ spec: { os_list: { name: string }[] } }>(
      hub,
      "GET",
      "/v1/{project_id}/nodeconfigtemplates/default",
    );
    assert.equal(named.body.spec.os_list.length, 1);
    assert.equal((await maCall(hub, "GET", "/v1/{project_id}/nodeconfigtemplates/gpu-lvm")).status, 404);
    const os = await maCall<{ pool_quota: number; network_quota: number }>(
      hub,
      "GET",
      "/v1/{project_id}/os-user-config",
    );
    assert.deepEqual([os.body.pool_quota, os.body.network_quota], [100, 15]);
  });

  it("networks are stored records: create, list, get, patch labels, delete; cloud parts are not supported", async () => {
    const base = "/v1/{project_id}/networks";
    const made = await maCall<Network>(hub, "POST", base, {
      apiVersion: "v1",
      kind: "Network",
      metadata: { labels: { "os.modelarts/name": "network-test", "os.modelarts/workspace.id": "0" } },
      spec: { cidr: "192.168.128.0/17" },
    });
    assert.equal(made.status, 200, made.text);
    const name = made.body.metadata.name;
    assert.equal(made.body.spec.cidr, "192.168.128.0/17");
    assert.equal(made.body.status.phase, "Active");
    const dup = await maCall<Err>(hub, "POST", base, {
      apiVersion: "v1",
      kind: "Network",
      metadata: { labels: { "os.modelarts/name": "network-test" } },
      spec: { cidr: "10.0.0.0/16" },
    });
    assert.equal(dup.status, 409);
    const badCidr = await maCall<Err>(hub, "POST", base, {
      apiVersion: "v1",
      kind: "Network",
      metadata: { labels: { "os.modelarts/name": "n2" } },
      spec: { cidr: "300.0.0.0/16" },
    });
    assert.equal(badCidr.status, 400);
    assert.match(badCidr.body.error_msg!, /spec\.cidr/);
    const list = await maCall<{ kind: string; items: Network[] }>(
      hub,
      "GET",
      `${base}?labelSelector=${encodeURIComponent("os.modelarts/name=network-test")}`,
    );
    assert.deepEqual(
      list.body.items.map((n) => n.metadata.name),
      [name],
    );
    const patched = await maCall<Network>(hub, "PATCH", `${base}/${name}`, {
      metadata: { labels: { "os.modelarts/name": "network-renamed" } },
    });
    assert.equal(patched.body.metadata.labels["os.modelarts/name"], "network-renamed");
    const connect = await maCall<Err>(hub, "PATCH", `${base}/${name}`, {
      spec: { connection: { peerConnectionList: [{ peerVpcId: "vpc-1", peerSubnetId: "subnet-1" }] } },
    });
    assert.equal(connect.status, 400);
    assert.equal(connect.body.error_code, "ModelArts.0108");
    const ips = await maCall<Err>(hub, "GET", `${base}/${name}/network-ip-availabilities`);
    assert.equal(ips.body.error_code, "ModelArts.0108");
    assert.equal((await maCall<Network>(hub, "GET", `${base}/${name}`)).status, 200);
    assert.equal((await maCall(hub, "DELETE", `${base}/${name}`)).status, 200);
    const gone = await maCall<Err>(hub, "GET", `${base}/${name}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error_code, "ModelArts.50015001");
  });

  it("orders answer ModelArts's not-supported error, saying why", async () => {
    for (const [method, path] of [
      ["POST", "/v2/{project_id}/pools/default/orderid"],
      ["GET", "/v1/{project_id}/orders/order-1"],
    ] as const) {
      const res = await maCall<Err>(hub, method, path, method === "POST" ? {} : undefined);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error_code, "ModelArts.0108");
      assert.match(res.body.error_msg!, /billing/);
    }
  });
});
