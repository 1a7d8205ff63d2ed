import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { maCall } from "../helpers/modelarts";
import {
  modelStandIn,
  publishedModel,
  registerFoundImage,
  SMALL,
  untilServiceStatus,
} from "../helpers/modelarts-inference";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface ModelList {
  total_count: number;
  count: number;
  models: { model_id: string; model_name: string; model_version: string; model_status: string }[];
}

/** AI applications (Table 7): runtimes, import, list with filters and paging, get, delete (cascade). */
describe("integration: ModelArts AI applications (models)", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let agent: RunningAgent;
  const MODELS = "/v1/{project_id}/models";

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "m1" });
    await agent.welcomed();
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("imports an image model: publishing at once, published when the image is found, failed with the reason when not", async () => {
    registerFoundImage(hub, "swr.example.com/team/mnist-serving:1.0");
    // The document's request shape for a custom image (model_type Image, source_location the image).
    const ok = await maCall<{ model_id: string }>(hub, "POST", MODELS, {
      model_name: "mnist",
      model_version: "1.0.0",
      source_location: "swr.example.com/team/mnist-serving:1.0",
      model_type: "Image",
      description: "mnist model",
      health: {
        url: "/health",
        protocol: "http",
        initial_delay_seconds: "12",
        timeout_seconds: "30",
        period_seconds: "10",
      },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.body.model_id, /^[0-9a-f-]{36}$/);
    const published = await waitFor(async () => {
      const m = await maCall<Record<string, unknown>>(hub, "GET", `${MODELS}/${ok.body.model_id}`);
      return m.body.model_status === "published" ? m.body : null;
    }, "published");
    assert.equal(published.model_name, "mnist");
    assert.equal(published.model_version, "1.0.0");
    assert.equal(published.model_type, "Image");
    assert.equal(published.source_location, "swr.example.com/team/mnist-serving:1.0");
    assert.equal(published.port, 8080, "ModelArts's custom-image port unless told");
    assert.equal((published.health as { url: string }).url, "/health");

    const missing = await maCall<{ model_id: string }>(hub, "POST", MODELS, {
      model_name: "ghost",
      model_version: "0.0.1",
      source_location: "nobody/has-this:1",
      model_type: "Image",
    });
    assert.equal(missing.status, 200, missing.text);
    const failed = await waitFor(async () => {
      const m = await maCall<Record<string, unknown>>(hub, "GET", `${MODELS}/${missing.body.model_id}`);
      return m.body.model_status === "failed" ? m.body : null;
    }, "failed");
    assert.match(String(failed.error_msg), /nobody\/has-this:1 was not found/);
  });

  it("imports a training job's output: served by the image the job ran, traced by source_job_id", async () => {
    const job = await maCall<{ metadata: { id: string } }>(hub, "POST", "/v2/{project_id}/training-jobs", {
      kind: "job",
      metadata: { name: "trains-mnist", workspace_id: "0" },
      algorithm: {
        command: "python train.py",
        engine: { image_url: "bars/busybox:1" },
        environments: { FAKE_RUN_FOR_MS: "20" },
      },
      spec: { resource: { flavor_id: "corral.cpu.2u8g", node_count: 1 } },
    });
    assert.equal(job.status, 201, job.text);
    const jobId = job.body.metadata.id;
    // The job ran the image on node m1, so the image check finds it there.
    await waitFor(
      () => hub.hub.core.workloads.tasks(jobId)[0]?.state === "succeeded",
      "the training job ran",
    );
    const res = await maCall<{ model_id: string }>(hub, "POST", MODELS, {
      model_name: "mnist-trained",
      model_version: "0.0.1",
      source_location: "/home/ma-user/modelarts/outputs/train_url_0",
      source_job_id: jobId,
      source_job_version: "V001",
      model_type: "TensorFlow",
    });
    assert.equal(res.status, 200, res.text);
    const m = await waitFor(async () => {
      const got = await maCall<Record<string, unknown>>(hub, "GET", `${MODELS}/${res.body.model_id}`);
      return got.body.model_status === "published" ? got.body : null;
    }, "published");
    assert.equal(m.source_job_id, jobId);
    assert.equal(m.source_job_version, "V001");
    assert.equal(m.model_source, "auto");
    assert.equal(m.image_address, "bars/busybox:1");
    assert.match(String(m.status_message), /on node m1/);
    const unknown = await maCall<{ error_code: string }>(hub, "POST", MODELS, {
      model_name: "orphan",
      model_version: "0.0.1",
      source_job_id: "00000000-0000-0000-0000-000000000000",
      model_type: "TensorFlow",
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error_code, "ModelArts.2775");
  });

  it("refuses what it cannot serve: an OBS model (the document's TensorFlow example), a bad version, a duplicate", async () => {
    const obs = await maCall<{ error_code: string; error_msg: string }>(hub, "POST", MODELS, {
      model_name: "mnist",
      model_version: "1.0.0",
      source_location: "https://models.obs.xxxx.com/mnist",
      model_type: "TensorFlow",
      runtime: "python3.6",
      description: "mnist model",
      execution_code: "https://testmodel.obs.xxxx.com/customize_service.py",
    });
    assert.equal(obs.status, 400);
    assert.equal(obs.body.error_code, "ModelArts.0108");
    assert.match(obs.body.error_msg, /no object storage/);
    const version = await maCall<{ error_msg: string }>(hub, "POST", MODELS, {
      model_name: "x",
      model_version: "01.1.1",
      source_location: "a/b:1",
      model_type: "Image",
    });
    assert.equal(version.status, 400);
    assert.match(version.body.error_msg, /model_version/);
    const dup = await maCall<{ error_code: string }>(hub, "POST", MODELS, {
      model_name: "mnist",
      model_version: "1.0.0",
      source_location: "swr.example.com/team/mnist-serving:1.0",
      model_type: "Image",
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error_code, "ModelArts.0105");
  });

  it("lists with the documented filters and paging ({total_count, count, models})", async () => {
    registerFoundImage(hub, "swr.example.com/team/mnist-serving:2.0");
    await maCall(hub, "POST", MODELS, {
      model_name: "mnist",
      model_version: "2.0.0",
      source_location: "swr.example.com/team/mnist-serving:2.0",
      model_type: "Image",
    });
    const all = await maCall<ModelList>(hub, "GET", `${MODELS}?model_name=mni&order=asc&model_type=Image`);
    assert.equal(all.status, 200);
    assert.equal(all.body.total_count, 2);
    assert.deepEqual(
      all.body.models.map((m) => m.model_version),
      ["1.0.0", "2.0.0"],
    );
    const page = await maCall<ModelList>(
      hub,
      "GET",
      `${MODELS}?model_name=mnist&exact_match=true&limit=1&offset=1&order=asc`,
    );
    assert.equal(page.body.total_count, 2);
    assert.equal(page.body.count, 1);
    assert.equal(page.body.models[0]?.model_version, "2.0.0");
    const failed = await maCall<ModelList>(hub, "GET", `${MODELS}?model_status=failed`);
    assert.deepEqual(
      failed.body.models.map((m) => m.model_name),
      ["ghost"],
    );
    const notImage = await maCall<ModelList>(hub, "GET", `${MODELS}?not_model_type=Image`);
    assert.deepEqual(
      notImage.body.models.map((m) => m.model_name),
      ["mnist-trained"],
    );
    const runtimes = await maCall<{ engine_runtimes: { ai_engine: string; runtimes: string[] }[] }>(
      hub,
      "GET",
      `${MODELS}/ai-engine-runtimes`,
    );
    assert.equal(runtimes.status, 200);
    assert.ok(runtimes.body.engine_runtimes[0]?.runtimes.includes("swr.example.com/team/mnist-serving:1.0"));
  });

  it("deletes one version, or with cascade every version of the name; refuses while a service deploys it", async () => {
    const stand = await modelStandIn("keep");
    try {
      const used = await publishedModel(hub, "inuse", stand.port);
      const deployed = await maCall<{ service_id: string }>(hub, "POST", "/v1/{project_id}/services", {
        service_name: "uses-it",
        infer_type: "real-time",
        config: [{ model_id: used, weight: 100, instance_count: 1, ...SMALL }],
      });
      assert.equal(deployed.status, 200, deployed.text);
      const refused = await maCall<{ error_code: string; error_msg: string }>(
        hub,
        "DELETE",
        `${MODELS}/${used}`,
      );
      assert.equal(refused.status, 409);
      assert.match(refused.body.error_msg, /deployed by service uses-it/);
      await untilServiceStatus(hub, deployed.body.service_id, "running");
      await maCall(hub, "DELETE", `/v1/{project_id}/services/${deployed.body.service_id}`);
      const gone = await maCall<{ delete_success_list: string[] }>(hub, "DELETE", `${MODELS}/${used}`);
      assert.equal(gone.status, 200, gone.text);
      assert.deepEqual(gone.body.delete_success_list, [used]);
    } finally {
      await stand.close();
    }
    const list = await maCall<ModelList>(hub, "GET", `${MODELS}?model_name=mnist&exact_match=true`);
    const v1 = list.body.models.find((m) => m.model_version === "1.0.0")!.model_id;
    const cascade = await maCall<{ delete_success_list: string[] }>(
      hub,
      "DELETE",
      `${MODELS}/${v1}?cascade=true`,
    );
    assert.equal(cascade.body.delete_success_list.length, 2);
    const after = await maCall<ModelList>(hub, "GET", `${MODELS}?model_name=mnist&exact_match=true`);
    assert.equal(after.body.total_count, 0);
    const unknown = await maCall<{ error_code: string }>(hub, "GET", `${MODELS}/${v1}`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error_code, "ModelArts.3013");
  });
});
