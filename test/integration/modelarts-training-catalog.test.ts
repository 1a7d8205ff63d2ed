import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Flavor {
  flavor_id: string;
  flavor_type: string;
  max_num: number;
  flavor_info: {
    cpu: { core_num: number };
    memory: { size: number };
    gpu?: { unit_num: number; product_name: string };
  };
}
interface Algorithm {
  metadata: {
    id: string;
    name: string;
    workspace_id: string;
    create_time: number;
    update_time: number;
    user_name: string;
  };
  job_config: {
    command: string;
    parameters: { name: string; value: string; description: string }[];
    inputs: { name: string }[];
    outputs: { name: string }[];
    engine: { image_url: string };
  };
  error_code?: string;
}
interface JobRef {
  metadata: { id: string; name: string };
  status: { phase: string };
  algorithm: {
    id?: string;
    parameters: { name: string; value: string }[];
    inputs: { name: string; local_dir: string }[];
  };
  error_code?: string;
}

/** Flavors, engines, algorithms, search, tags, quotas and the not-supported training routes. */
describe("integration: ModelArts training catalogue (flavors, algorithms, search, tags)", function () {
  this.timeout(30_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const ALGOS = "/v2/{project_id}/algorithms";

  before(async () => {
    hub = await startTestHub();
    agents.push(
      startTestAgent(hub, {
        name: "cpu1",
        hardware: fakeHardware({ hostname: "cpu1", cores: 16, memoryMiB: 65536 }),
      }),
    );
    agents.push(
      startTestAgent(hub, { name: "gpu1", hardware: fakeHardware({ hostname: "gpu1", gpus: fakeGpus(4) }) }),
    );
    await Promise.all(agents.map((a) => a.welcomed()));
    await waitFor(() => hub.hub.core.nodes.list().every((n) => n.hardware !== null), "hardware reported");
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("derives training flavors from node shapes, with stable ids and a type filter", async () => {
    const res = await maCall<{ total_count: number; flavors: Flavor[] }>(
      hub,
      "GET",
      "/v2/{project_id}/training-job-flavors",
    );
    assert.equal(res.status, 200);
    const ids = res.body.flavors.map((f) => f.flavor_id);
    assert.deepEqual(ids, [
      "corral.cpu.1u4g",
      "corral.cpu.2u8g",
      "corral.cpu.4u16g",
      "corral.cpu.8u32g",
      "corral.cpu.16u64g",
      "corral.gpu.1x-nvidia-fake-80gb.2u8g",
      "corral.gpu.2x-nvidia-fake-80gb.4u16g",
      "corral.gpu.4x-nvidia-fake-80gb.8u32g",
    ]);
    assert.equal(res.body.total_count, ids.length);
    const gpu2 = res.body.flavors.find((f) => f.flavor_id === "corral.gpu.2x-nvidia-fake-80gb.4u16g")!;
    assert.equal(gpu2.flavor_type, "GPU");
    assert.equal(gpu2.max_num, 2);
    assert.deepEqual(gpu2.flavor_info.gpu, { unit_num: 2, product_name: "NVIDIA Fake 80GB", memory: "80GB" });
    assert.equal(gpu2.flavor_info.cpu.core_num, 4);
    assert.equal(gpu2.flavor_info.memory.size, 16);
    // The 8-core half of the 16-core node and the whole 8-core GPU node's CPU share one id once.
    assert.equal(res.body.flavors.find((f) => f.flavor_id === "corral.cpu.8u32g")!.max_num, 2);
    const gpuOnly = await maCall<{ flavors: Flavor[] }>(
      hub,
      "GET",
      "/v2/{project_id}/training-job-flavors?flavor_type=GPU",
    );
    assert.ok(
      gpuOnly.body.flavors.length === 3 && gpuOnly.body.flavors.every((f) => f.flavor_type === "GPU"),
    );
  });

  it("lists resource flavors as Kubernetes-style objects, paged by continue", async () => {
    type List = {
      kind: string;
      metadata: { continue?: string; remainingItemCount?: number };
      items: {
        metadata: { name: string };
        spec: { cpu: string; memory: string; gpu?: { type: string; size: string } };
      }[];
    };
    const first = await maCall<List>(hub, "GET", "/v1/{project_id}/resourceflavors?limit=5");
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 5);
    assert.equal(first.body.metadata.remainingItemCount, 3);
    const rest = await maCall<List>(
      hub,
      "GET",
      `/v1/{project_id}/resourceflavors?limit=5&continue=${first.body.metadata.continue}`,
    );
    assert.equal(rest.body.items.length, 3);
    assert.equal(rest.body.metadata.continue, undefined);
    const gpu = rest.body.items.at(-1)!;
    assert.equal(gpu.metadata.name, "corral.gpu.4x-nvidia-fake-80gb.8u32g");
    assert.deepEqual(gpu.spec.gpu, { type: "NVIDIA Fake 80GB", size: "4" });
    assert.equal(gpu.spec.memory, "32Gi");
  });

  it("has no preset engines nor search algorithms (empty catalogues)", async () => {
    assert.deepEqual((await maCall(hub, "GET", "/v2/{project_id}/training-job-engines")).body, {
      total: 0,
      items: [],
    });
    assert.deepEqual((await maCall(hub, "GET", "/v2/{project_id}/search-algorithms")).body, {
      search_algo_count: 0,
      search_algo_list: [],
    });
  });

  it("creates, lists, gets, changes and deletes an algorithm; a job made from it runs its command", async () => {
    const body = {
      metadata: { name: "mnist", description: "digits", workspace_id: "0" },
      job_config: {
        command: "python /code/train.py",
        parameters: [
          {
            name: "lr",
            value: "0.1",
            description: "learning rate",
            constraint: { type: "Float", editable: true, required: false },
          },
          { name: "epochs", value: "5" },
        ],
        inputs: [{ name: "data_url", description: "training data" }],
        outputs: [{ name: "train_url" }],
        engine: { image_url: "bars/busybox:1" },
      },
    };
    const made = await maCall<Algorithm>(hub, "POST", ALGOS, body);
    assert.equal(made.status, 201, made.text);
    const id = made.body.metadata.id;
    assert.equal(made.body.metadata.workspace_id, "0");
    assert.equal(typeof made.body.metadata.create_time, "number");
    assert.equal(made.body.job_config.engine.image_url, "bars/busybox:1");
    assert.equal(made.body.job_config.parameters[0]?.description, "learning rate");
    assert.equal(
      (made.body.job_config.parameters[0] as { constraint?: { type: string } }).constraint?.type,
      "Float",
    );

    const dup = await maCall(hub, "POST", ALGOS, body);
    assert.equal(dup.body.error_code, "ModelArts.0105");
    await maCall(hub, "POST", ALGOS, { ...body, metadata: { name: "other" } });
    const found = await maCall<{ total: number; items: Algorithm[] }>(
      hub,
      "GET",
      `${ALGOS}?searches=name:mni`,
    );
    assert.equal(found.body.total, 1);
    assert.equal(found.body.items[0]?.metadata.name, "mnist");
    const all = await maCall<{ total: number; count: number; items: Algorithm[] }>(
      hub,
      "GET",
      `${ALGOS}?limit=1&order=asc`,
    );
    assert.equal(all.body.total, 2);
    assert.equal(all.body.count, 1);
    assert.equal(all.body.items[0]?.metadata.name, "mnist");

    const changed = await maCall<Algorithm>(hub, "PUT", `${ALGOS}/${id}`, {
      ...body,
      job_config: { ...body.job_config, command: "python /code/train2.py" },
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.job_config.command, "python /code/train2.py");
    assert.equal(
      (await maCall<Algorithm>(hub, "GET", `${ALGOS}/${id}`)).body.job_config.command,
      "python /code/train2.py",
    );

    const job = await maCall<JobRef>(hub, "POST", "/v2/{project_id}/training-jobs", {
      kind: "job",
      metadata: { name: "from-algo" },
      algorithm: {
        id,
        parameters: [{ name: "epochs", value: "1" }],
        inputs: [{ name: "data_url", local_dir: "/data" }],
        environments: { FAKE_RUN_FOR_MS: "0" },
      },
      spec: { resource: { flavor_id: "corral.cpu.1u4g" } },
    });
    assert.equal(job.status, 201, job.text);
    assert.equal(job.body.algorithm.id, id);
    assert.deepEqual(
      job.body.algorithm.parameters.map((p) => [p.name, p.value]),
      [
        ["lr", "0.1"],
        ["epochs", "1"],
      ],
    );
    const w = hub.hub.core.workloads.find(job.body.metadata.id)!;
    assert.deepEqual(w.roles[0]!.command, [
      "/bin/sh",
      "-c",
      "python /code/train2.py --lr=0.1 --epochs=1 --data_url=/data --train_url=/home/ma-user/modelarts/outputs/train_url_0",
    ]);
    assert.deepEqual(w.roles[0]!.volumes, [
      { name: "input-0", mountPath: "/data" },
      { name: "output-0", mountPath: "/home/ma-user/modelarts/outputs/train_url_0" },
    ]);

    const del = await maCall(hub, "DELETE", `${ALGOS}/${id}`);
    assert.equal(del.status, 204);
    const gone = await maCall(hub, "GET", `${ALGOS}/${id}`);
    assert.equal(gone.status, 400);
    assert.equal(gone.body.error_code, "ModelArts.0104");
    const orphan = await maCall(hub, "POST", "/v2/{project_id}/training-jobs", {
      kind: "job",
      metadata: { name: "orphan" },
      algorithm: { id },
      spec: { resource: { flavor_id: "corral.cpu.1u4g" } },
    });
    assert.equal(orphan.body.error_code, "ModelArts.0104");
    const preset = await maCall(hub, "POST", ALGOS, {
      ...body,
      metadata: { name: "preset" },
      job_config: { engine: { engine_name: "PyTorch" } },
    });
    assert.equal(preset.body.error_code, "ModelArts.0108");
  });

  it("searches jobs with in / not / like / between filters, sorting, paging and tags", async () => {
    const make = async (name: string, run: string) => {
      const res = await maCall<JobRef>(hub, "POST", "/v2/{project_id}/training-jobs", {
        kind: "job",
        metadata: { name },
        algorithm: {
          command: "true",
          engine: { image_url: "bars/busybox:1" },
          environments: { FAKE_RUN_FOR_MS: run },
        },
        spec: { resource: { flavor_id: "corral.cpu.1u4g" } },
      });
      assert.equal(res.status, 201, res.text);
      return res.body.metadata.id;
    };
    const a = await make("search-alpha", "0");
    const b = await make("search-beta", "-1");
    const c = await make("search-gamma", "-1");
    await waitFor(
      async () =>
        (await maCall<JobRef>(hub, "GET", `/v2/{project_id}/training-jobs/${a}`)).body.status.phase ===
        "Completed",
      "alpha completed",
    );
    await waitFor(
      async () =>
        (await maCall<JobRef>(hub, "GET", `/v2/{project_id}/training-jobs/${b}`)).body.status.phase ===
        "Running",
      "beta running",
    );
    type Page = { total: number; count: number; items: JobRef[] };
    const search = (body: unknown) =>
      maCall<Page>(hub, "POST", "/v2/{project_id}/training-job-searches", body);
    const names = (p: Page) => p.items.map((j) => j.metadata.name);

    const like = await search({
      filters: [{ key: "name", operator: "like", value: ["search-"] }],
      sort_by: "name",
      order: "asc",
    });
    assert.equal(like.status, 200, like.text);
    assert.deepEqual(names(like.body), ["search-alpha", "search-beta", "search-gamma"]);
    const done = await search({
      filters: [
        { key: "name", operator: "like", value: ["search-"] },
        { key: "phase", operator: "in", value: ["Completed"] },
      ],
    });
    assert.deepEqual(names(done.body), ["search-alpha"]);
    const not = await search({
      filters: [
        { key: "name", operator: "like", value: ["search-"] },
        { key: "phase", operator: "not", value: ["Completed"] },
      ],
      sort_by: "name",
      order: "desc",
    });
    assert.deepEqual(names(not.body), ["search-gamma", "search-beta"]);
    const created = hub.hub.core.workloads.find(b)!.createdAt;
    const between = await search({
      filters: [{ key: "create_time", operator: "between", value: [String(created), String(created)] }],
    });
    assert.deepEqual(
      between.body.items.map((j) => j.metadata.id),
      [b],
    );
    const paged = await search({
      filters: [{ key: "name", operator: "like", value: ["search-"] }],
      sort_by: "name",
      order: "asc",
      offset: 1,
      limit: 1,
    });
    assert.equal(paged.body.total, 3);
    assert.deepEqual(names(paged.body), ["search-beta"]);
    const badKey = await search({ filters: [{ key: "colour", operator: "in", value: ["x"] }] });
    assert.equal((badKey.body as unknown as { error_code: string }).error_code, "ModelArts.0103");

    const TAGS = `/v2/{project_id}/modelarts-training-job/${c}/tags`;
    assert.equal(
      (
        await maCall(hub, "POST", `${TAGS}/create`, {
          tags: [
            { key: "team", value: "vision" },
            { key: "tmp", value: "1" },
          ],
        })
      ).status,
      204,
    );
    assert.deepEqual((await maCall(hub, "GET", TAGS)).body, {
      tags: [
        { key: "team", value: "vision" },
        { key: "tmp", value: "1" },
      ],
    });
    assert.equal(
      (await maCall(hub, "DELETE", `${TAGS}/delete`, { tags: [{ key: "tmp", value: "1" }] })).status,
      204,
    );
    assert.deepEqual((await maCall(hub, "GET", TAGS)).body, { tags: [{ key: "team", value: "vision" }] });
    const tagged = await search({ tags: [{ key: "team", values: ["vision"] }] });
    assert.deepEqual(names(tagged.body), ["search-gamma"]);

    const quotas = await maCall<{ quotas: { resource: string; quota: number; used: number }[] }>(
      hub,
      "GET",
      "/v2/{project_id}/training-quotas",
    );
    assert.equal(quotas.body.quotas[0]?.quota, -1);
    assert.ok((quotas.body.quotas[0]?.used ?? 0) >= 2);
    for (const id of [b, c])
      await maCall(hub, "POST", `/v2/{project_id}/training-jobs/${id}/actions`, { action_type: "terminate" });
  });

  it("answers the documented not-supported error on training routes Corral has no concept for", async () => {
    const paths: [string, string][] = [
      ["GET", "/v2/{project_id}/training-experiments"],
      ["POST", "/v2/{project_id}/training-experiments"],
      ["GET", "/v2/{project_id}/training-jobs/autosearch/yaml-templates"],
      ["GET", "/v2/{project_id}/training-jobs/x/autosearch-trials"],
      ["GET", "/v2/{project_id}/training-jobs/x/stages"],
      ["POST", "/v2/{project_id}/training-jobs/x/tasks/worker-0/save-image-job"],
      ["GET", "/v2/{project_id}/training-event-categories"],
      ["POST", "/v2/{project_id}/gallery-algorithm-publication"],
    ];
    for (const [method, path] of paths) {
      const res = await maCall(hub, method, path, method === "POST" ? {} : undefined);
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.equal(res.body.error_code, "ModelArts.0108", `${method} ${path}`);
      assert.match(String(res.body.error_msg), /not supported/);
    }
  });
});
