import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { modelStandIn, publishedModel, SMALL, untilServiceStatus } from "../helpers/modelarts-inference";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

type Json = Record<string, unknown>;
interface ServiceView {
  service_id: string;
  service_name: string;
  status: string;
  progress: number;
  access_address: string;
  invocation_times: number;
  config: { model_id: string; weight: number; instance_count: number; specification: string; envs: Json }[];
  tags: { key: string; value: string }[];
}

/** Real-time services (Table 9), each route with its document's example where it has one. */
describe("integration: ModelArts real-time services", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let stand: { port: number; close: () => Promise<void> };
  let modelA = "";
  let modelB = "";
  const SERVICES = "/v1/{project_id}/services";
  const running = (id: string) => hub.hub.core.replicatedServices.list().filter((s) => s.id === id);
  const instanceCount = async (id: string) =>
    (await maCall<{ service_running_instance_count: number }>(hub, "GET", `${SERVICES}/${id}/monitor`)).body
      .service_running_instance_count;

  before(async () => {
    hub = await startTestHub();
    // Room for 5 instances of modelarts.vm.cpu.2u (2 cores, 8 GiB each) and more.
    agent = startTestAgent(hub, {
      name: "s1",
      hardware: fakeHardware({ hostname: "s1", cores: 32, memoryMiB: 131072 }),
    });
    await agent.welcomed();
    stand = await modelStandIn("a");
    modelA = await publishedModel(hub, "model-a", stand.port);
    modelB = await publishedModel(hub, "model-b", stand.port, "corral-test/serve:2");
  });
  after(async () => {
    await agent.stop();
    await hub.close();
    await stand.close();
  });

  it("deploys the document's example (one config, modelarts.vm.cpu.2u) and reports it running at its access_address", async () => {
    const res = await maCall<{ service_id: string; resource_ids: string[] }>(hub, "POST", SERVICES, {
      infer_type: "real-time",
      service_name: "mnist",
      description: "mnist service",
      config: [{ specification: "modelarts.vm.cpu.2u", weight: 100, model_id: modelA, instance_count: 1 }],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.resource_ids.length, 1);
    const first = await maCall<ServiceView>(hub, "GET", `${SERVICES}/${res.body.service_id}`);
    assert.ok(["deploying", "running"].includes(first.body.status), first.body.status);
    const s = (await untilServiceStatus(hub, res.body.service_id, "running")) as unknown as ServiceView;
    assert.equal(s.progress, 100);
    assert.equal(s.service_name, "mnist");
    assert.equal(s.access_address, `${hub.hub.httpUrl}/v1/infers/${res.body.service_id}`);
    assert.equal(s.invocation_times, 0);
    assert.deepEqual(
      s.config.map((c) => [c.model_id, c.weight, c.instance_count, c.specification]),
      [[modelA, 100, 1, "modelarts.vm.cpu.2u"]],
    );
    assert.equal(running(res.body.service_id).length, 1, "one core replica set per config");
  });

  it("deploys the multi-version example (weights as strings, envs) and refuses bad configs naming the field", async () => {
    const res = await maCall<{ service_id: string; resource_ids: string[] }>(hub, "POST", SERVICES, {
      service_name: "mnist-split",
      description: "mnist service",
      infer_type: "real-time",
      config: [
        {
          model_id: modelA,
          weight: "70",
          specification: "modelarts.vm.cpu.2u",
          instance_count: 1,
          envs: { model_name: "mxnet-model-1", load_epoch: "0" },
        },
        { model_id: modelB, weight: "30", specification: "modelarts.vm.cpu.2u", instance_count: 1 },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.resource_ids.length, 2);
    const s = (await untilServiceStatus(hub, res.body.service_id, "running")) as unknown as ServiceView;
    assert.deepEqual(
      s.config.map((c) => c.weight),
      [70, 30],
    );
    assert.deepEqual(s.config[0]?.envs, { model_name: "mxnet-model-1", load_epoch: "0" });
    const w = hub.hub.core.workloads.list({ states: ["running"] }).find((x) => x.roles[0]?.env.model_name);
    assert.equal(w?.roles[0]?.env.load_epoch, "0", "a config's envs reach its containers");

    const bad = async (config: Json[], field: RegExp, extra: Json = {}) => {
      const r = await maCall<{ error_code: string; error_msg: string }>(hub, "POST", SERVICES, {
        service_name: "bad",
        infer_type: "real-time",
        config,
        ...extra,
      });
      assert.equal(r.status, 400, r.text);
      assert.match(r.body.error_msg, field);
      return r.body;
    };
    await bad(
      [
        { model_id: modelA, weight: 70, instance_count: 1, ...SMALL },
        { model_id: modelB, weight: 20, instance_count: 1, ...SMALL },
      ],
      /config.weight.*sum to 100, not 90/,
    );
    await bad(
      [{ model_id: modelA, weight: 100, instance_count: 1, specification: "nope" }],
      /config\[0\].specification/,
    );
    await bad(
      [{ model_id: "0e07b41b-173e-42db-8c16-8e1b44cc0d44", weight: 100, instance_count: 1, ...SMALL }],
      /does not exist/,
    );
    await bad([{ model_id: modelA, weight: 100, instance_count: 0, ...SMALL }], /instance_count/);
    const batch = await bad(
      [{ model_id: modelA, weight: 100, instance_count: 1, ...SMALL }],
      /batch service/,
      {
        infer_type: "batch",
      },
    );
    assert.equal(batch.error_code, "ModelArts.0108");
    const dup = await maCall<{ error_code: string }>(hub, "POST", SERVICES, {
      service_name: "mnist",
      infer_type: "real-time",
      config: [{ model_id: modelA, weight: 100, instance_count: 1, ...SMALL }],
    });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error_code, "ModelArts.3503");
  });

  it("lists with filters and paging ({total_count, count, services})", async () => {
    const all = await maCall<{ total_count: number; count: number; services: ServiceView[] }>(
      hub,
      "GET",
      `${SERVICES}?order=asc`,
    );
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.services.map((s) => s.service_name),
      ["mnist", "mnist-split"],
    );
    const byModel = await maCall<{ services: ServiceView[] }>(hub, "GET", `${SERVICES}?model_id=${modelB}`);
    assert.deepEqual(
      byModel.body.services.map((s) => s.service_name),
      ["mnist-split"],
    );
    const page = await maCall<{ total_count: number; count: number; services: ServiceView[] }>(
      hub,
      "GET",
      `${SERVICES}?service_name=mnist&limit=1&offset=1&sort_by=service_name&order=asc`,
    );
    assert.equal(page.body.total_count, 2);
    assert.equal(page.body.count, 1);
    assert.equal(page.body.services[0]?.service_name, "mnist-split");
    const stopped = await maCall<{ total_count: number }>(hub, "GET", `${SERVICES}?status=stopped`);
    assert.equal(stopped.body.total_count, 0);
  });

  it("updates config (rolling to a new model, scaling), stops and starts, and keeps the update log", async () => {
    const id = (
      await maCall<{ services: ServiceView[] }>(hub, "GET", `${SERVICES}?service_name=mnist&order=asc`)
    ).body.services[0]!.service_id;
    const before = hub.hub.core.replicatedServices.get(id).current;
    // The document's example body: description, status and a config list.
    const put = await maCall<{ update_time: number }>(hub, "PUT", `${SERVICES}/${id}`, {
      description: "",
      config: [
        {
          model_id: modelB,
          weight: "100",
          specification: "custom",
          custom_spec: SMALL.custom_spec,
          instance_count: 2,
        },
      ],
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(typeof put.body.update_time, "number");
    const core = hub.hub.core.replicatedServices.get(id);
    assert.notEqual(core.current, before, "a new model is a new revision of the replica set");
    assert.equal(core.replicas, 2);
    await untilServiceStatus(hub, id, "running");
    await waitFor(async () => (await instanceCount(id)) === 2, "2 instances");
    const logs = await maCall<{
      logs: { update_time: number; result: string; config: { model_id: string }[] }[];
    }>(hub, "GET", `${SERVICES}/${id}/logs`);
    assert.equal(logs.body.logs.length, 2);
    assert.deepEqual(
      logs.body.logs.map((l) => l.result),
      ["SUCCESS", "SUCCESS"],
    );
    assert.equal(logs.body.logs[1]?.config[0]?.model_id, modelB);
    const one = await maCall<{ logs: unknown[] }>(
      hub,
      "GET",
      `${SERVICES}/${id}/logs?update_time=${put.body.update_time}`,
    );
    assert.equal(one.body.logs.length, 1);

    // With config and status together, only the status applies (ModelArts's rule).
    const stop = await maCall(hub, "PUT", `${SERVICES}/${id}`, {
      status: "stopped",
      config: [{ model_id: modelA, weight: 100, instance_count: 5, ...SMALL }],
    });
    assert.equal(stop.status, 200, stop.text);
    await untilServiceStatus(hub, id, "stopped");
    await waitFor(async () => (await instanceCount(id)) === 0, "no instance");
    assert.equal(hub.hub.core.replicatedServices.get(id).replicas, 0);
    const start = await maCall(hub, "PUT", `${SERVICES}/${id}`, { status: "running" });
    assert.equal(start.status, 200);
    await untilServiceStatus(hub, id, "running");
    await waitFor(async () => (await instanceCount(id)) === 2, "2 instances again (count kept)");
  });

  it("single-property update and PATCH change instance_count; monitor shows instances per config", async () => {
    const id = (await maCall<{ services: ServiceView[] }>(hub, "GET", `${SERVICES}?service_name=mnist-split`))
      .body.services[0]!.service_id;
    // The document's example: changed_property instance_count, configs[{changed_value, model_id}].
    const prop = await maCall(hub, "PUT", `${SERVICES}/${id}/property`, {
      changed_property: "instance_count",
      configs: [{ changed_value: "3", model_id: modelA }],
    });
    assert.equal(prop.status, 200, prop.text);
    await waitFor(async () => (await instanceCount(id)) === 4, "3 + 1 instances");
    const same = await maCall<{ error_msg: string }>(hub, "PUT", `${SERVICES}/${id}/property`, {
      changed_property: "instance_count",
      configs: [{ changed_value: 3, model_id: modelA }],
    });
    assert.equal(same.status, 400);
    assert.match(same.body.error_msg, /changed_value/);
    const patch = await maCall(hub, "PATCH", `${SERVICES}/${id}`, [
      { op: "replace", path: "/config/1/instance_count", value: 2 },
    ]);
    assert.equal(patch.status, 200, patch.text);
    await waitFor(async () => (await instanceCount(id)) === 5, "3 + 2 instances");
    const badPatch = await maCall<{ error_msg: string }>(hub, "PATCH", `${SERVICES}/${id}`, [
      { op: "replace", path: "/config/0/weight", value: 90 },
    ]);
    assert.equal(badPatch.status, 400);
    assert.match(badPatch.body.error_msg, /sum to 100/);
    const mon = await maCall<{
      service_instance_count: number;
      monitors: { model_id: string; cpu_core_total: number; instances: { status: string }[] }[];
    }>(hub, "GET", `${SERVICES}/${id}/monitor`);
    assert.equal(mon.body.service_instance_count, 5);
    assert.deepEqual(
      mon.body.monitors.map((m) => [m.model_id, m.instances.length, m.cpu_core_total]),
      [
        [modelA, 3, 6],
        [modelB, 2, 4],
      ],
    );
  });

  it("event logs, resource tags, specifications, the VPC channel, and delete (a comma list too)", async () => {
    const list = (await maCall<{ services: ServiceView[] }>(hub, "GET", `${SERVICES}?order=asc`)).body
      .services;
    const [a, b] = list.map((s) => s.service_id) as [string, string];
    const events = await maCall<{
      total_count: number;
      events: { event_type: string; event_info: string }[];
    }>(hub, "GET", `${SERVICES}/${a}/events?event_type=normal&order=asc`);
    assert.equal(events.status, 200);
    assert.match(events.body.events[0]?.event_info ?? "", /deployed the service/);
    assert.ok(events.body.events.some((e) => /stopped the service/.test(e.event_info)));
    assert.ok(events.body.events.every((e) => e.event_type === "normal"));

    const tag = await maCall(hub, "POST", `${SERVICES}/${a}/tags/create`, {
      tags: [
        { key: "key1", value: "value1" },
        { key: "key2", value: "value3" },
      ],
    });
    assert.equal(tag.status, 204, tag.text);
    await maCall(hub, "POST", `${SERVICES}/${b}/tags/create`, { tags: [{ key: "key1", value: "value2" }] });
    const tags = await maCall<{ tags: { key: string; values: string[] }[] }>(
      hub,
      "GET",
      `${SERVICES}/tms/tags`,
    );
    assert.deepEqual(tags.body.tags, [
      { key: "key1", values: ["value1", "value2"] },
      { key: "key2", values: ["value3"] },
    ]);
    const del = await maCall(hub, "DELETE", `${SERVICES}/${a}/tags/delete`, { tags: [{ key: "key2" }] });
    assert.equal(del.status, 204);
    const shown = await maCall<ServiceView>(hub, "GET", `${SERVICES}/${a}`);
    assert.deepEqual(shown.body.tags, [{ key: "key1", value: "value1" }]);

    const specs = await maCall<{ total_count: number; specifications: { specification: string }[] }>(
      hub,
      "GET",
      `${SERVICES}/specifications?infer_type=real-time`,
    );
    assert.ok(specs.body.specifications.some((s) => s.specification === "modelarts.vm.cpu.2u"));
    assert.ok(specs.body.specifications.some((s) => s.specification.startsWith("corral.cpu.")));

    const vpc = await maCall<{ error_code: string; error_msg: string }>(
      hub,
      "GET",
      "/v1/{project_id}/internal-channel-info",
    );
    assert.equal(vpc.status, 400);
    assert.equal(vpc.body.error_code, "ModelArts.0108");

    const gone = await maCall(hub, "DELETE", `${SERVICES}/${a},${b}`);
    assert.equal(gone.status, 200, gone.text);
    assert.deepEqual(gone.body, {});
    const after = await maCall<{ error_code: string }>(hub, "GET", `${SERVICES}/${a}`);
    assert.equal(after.status, 400);
    assert.equal(after.body.error_code, "ModelArts.3502");
    await waitFor(
      () => hub.hub.core.workloads.list({ states: ["running", "pending"] }).length === 0,
      "every instance stopped",
    );
  });
});
