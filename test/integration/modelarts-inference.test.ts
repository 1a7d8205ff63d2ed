import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import type { RunningAgent } from "../../agent/agent";
import type { ApiState } from "../../hub/api/context";
import { surfaceErrors } from "../../hub/api/middleware/errors";
import type { AppCallGate, InferenceServiceRef } from "../../hub/api/modelarts/inference-contract";
import { inferenceGateway, InvocationRates } from "../../hub/api/modelarts/inference-gateway";
import { InferenceServices } from "../../hub/api/modelarts/inference-services";
import { modelartsErrors } from "../../hub/api/modelarts/errors";
import { fakeHardware } from "../helpers/fake-hardware";
import { maCall, maSigned } from "../helpers/modelarts";
import { modelStandIn, publishedModel, SMALL, untilServiceStatus } from "../helpers/modelarts-inference";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { testLogger } from "../helpers/logger";
import { waitFor } from "../helpers/wait";

interface Echo {
  model: string;
  method: string;
  url: string;
  body: string;
  prefix: string | null;
  authorization: string | null;
  token: string | null;
}

/**
 * Inference traffic through the hub: calls to a service's access_address go to its running
 * instances in proportion to the config weights, through the agents' tunnels; a config whose
 * instances fail before answering is left out and the call retried elsewhere; calls are counted
 * in invocation_times (kept across a restart); IAM tokens, AK/SK signatures and the app gate's
 * verdicts decide who may call.
 */
describe("integration: ModelArts inference through the hub (access_address)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  const stands: { port: number; close: () => Promise<void> }[] = [];
  let serviceId = "";
  let address = "";
  const SERVICES = "/v1/{project_id}/services";
  const call = async (url: string, init: RequestInit = {}, token: string | null = hub.adminToken) => {
    const headers = new Headers(init.headers);
    if (token) headers.set("x-auth-token", token);
    const res = await fetch(url, { ...init, headers });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body, text };
  };

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, {
      name: "i1",
      hardware: fakeHardware({ hostname: "i1", cores: 16, memoryMiB: 65536 }),
    });
    await agent.welcomed();
    const a = await modelStandIn("A");
    const b = await modelStandIn("B");
    stands.push(a, b);
    const modelA = await publishedModel(hub, "model-a", a.port);
    const modelB = await publishedModel(hub, "model-b", b.port, "corral-test/serve:2");
    const res = await maCall<{ service_id: string }>(hub, "POST", SERVICES, {
      service_name: "split",
      infer_type: "real-time",
      config: [
        { model_id: modelA, weight: 80, instance_count: 4, ...SMALL },
        { model_id: modelB, weight: 20, instance_count: 1, ...SMALL },
      ],
    });
    assert.equal(res.status, 200, res.text);
    serviceId = res.body.service_id;
    const s = await untilServiceStatus(hub, serviceId, "running");
    address = String(s.access_address);
  });
  after(async () => {
    await agent.stop();
    await hub.close();
    for (const s of stands) await s.close();
  });

  it("splits calls by the config weights (80/20 over 100 calls) and passes path, query and body through", async () => {
    const seen = { A: 0, B: 0 } as Record<string, number>;
    for (let i = 0; i < 100; i++) {
      const r = await call(`${address}/predict?i=${i}`);
      assert.equal(r.status, 200, r.text);
      const echo = r.body as Echo;
      seen[echo.model] = (seen[echo.model] ?? 0) + 1;
      assert.equal(echo.url, `/predict?i=${i}`);
    }
    // Smooth weighted round robin: exact shares over a whole number of rounds.
    assert.deepEqual(seen, { A: 80, B: 20 });
    const post = await call(address, {
      method: "POST",
      body: JSON.stringify({ images: [1, 2] }),
      headers: { "content-type": "application/json" },
    });
    const echo = post.body as Echo;
    assert.equal(echo.method, "POST");
    assert.equal(echo.url, "/");
    assert.equal(echo.body, '{"images":[1,2]}');
    assert.equal(echo.prefix, `/v1/infers/${serviceId}`);
    assert.equal(echo.token, null, "the caller's IAM token never reaches the instance");
    // A body larger than the retry buffer streams through once.
    const big = "x".repeat(2 * 1024 * 1024);
    const streamed = await call(`${address}/big`, { method: "PUT", body: big });
    assert.equal((streamed.body as Echo).body.length, big.length);
    const s = await maCall<{ invocation_times: number }>(hub, "GET", `${SERVICES}/${serviceId}`);
    assert.equal(s.body.invocation_times, 102);
    const mon = await maCall<{ monitors: { invocation_times: number }[] }>(
      hub,
      "GET",
      `${SERVICES}/${serviceId}/monitor`,
    );
    // Per config: the 100, then two more rounds' first picks (a weight-80 config leads each round).
    assert.deepEqual(
      mon.body.monitors.map((m) => m.invocation_times),
      [82, 20],
    );
  });

  it("authenticates callers: 401 without a credential, AK/SK signatures accepted, 404 for an unknown service", async () => {
    const none = await call(`${address}/predict`, {}, null);
    assert.equal(none.status, 401);
    assert.equal((none.body as { error_code: string }).error_code, "APIG.1002");
    const bearer = await fetch(`${address}/predict`, {
      headers: { authorization: `Bearer ${hub.adminToken}` },
    });
    assert.equal(bearer.status, 200);
    const signed = await maSigned<Echo>(hub, "POST", `/v1/infers/${serviceId}/predict`, { x: 1 });
    assert.equal(signed.status, 200, signed.text);
    assert.equal(signed.body.body, '{"x":1}');
    assert.equal(signed.body.authorization, null, "the signature never reaches the instance");
    const unknown = await call(`${hub.hub.httpUrl}/v1/infers/00000000-0000-0000-0000-000000000000/predict`);
    assert.equal(unknown.status, 404);
    // /v1/infers is ModelArts's, not OTE-stack's (which owns the rest of /v1): ModelArts's 404 shape.
    assert.equal((unknown.body as { error_code: string }).error_code, "APIG.0101");
  });

  it("retries a call on another instance when the chosen one fails before answering", async () => {
    // No health path: nothing keeps the dead instance out, so every call to it must be retried.
    const dead = await publishedModel(hub, "model-dead", 1, "corral-test/serve:dead", "");
    const live = await publishedModel(hub, "model-live", stands[1]!.port, "corral-test/serve:live");
    const res = await maCall<{ service_id: string }>(hub, "POST", SERVICES, {
      service_name: "half-dead",
      infer_type: "real-time",
      config: [
        // Nothing listens on port 1: the tunnel's dial fails before any answer byte.
        { model_id: dead, weight: 50, instance_count: 1, ...SMALL },
        { model_id: live, weight: 50, instance_count: 1, ...SMALL },
      ],
    });
    await untilServiceStatus(hub, res.body.service_id, "running");
    const url = `${hub.hub.httpUrl}/v1/infers/${res.body.service_id}`;
    for (let i = 0; i < 10; i++) {
      const r = await call(`${url}/x`);
      assert.equal(r.status, 200, r.text);
      assert.equal((r.body as Echo).model, "B");
    }
    const mon = await maCall<{ monitors: { failed_times: number }[] }>(
      hub,
      "GET",
      `${SERVICES}/${res.body.service_id}/monitor`,
    );
    assert.ok((mon.body.monitors[0]?.failed_times ?? 0) >= 5, JSON.stringify(mon.body));
    assert.equal(mon.body.monitors[1]?.failed_times, 0);
    await maCall(hub, "PUT", `${SERVICES}/${res.body.service_id}`, { status: "stopped" });
    await untilServiceStatus(hub, res.body.service_id, "stopped");
    const stopped = await call(`${url}/x`);
    assert.equal(stopped.status, 503);
    assert.match((stopped.body as { error_msg: string }).error_msg, /stopped/);
    // Deleting the service drops its counts (a later service never inherits them).
    assert.ok(hub.hub.core.invocations.get(`modelarts-service:${res.body.service_id}`) >= 10);
    await maCall(hub, "DELETE", `${SERVICES}/${res.body.service_id}`);
    assert.equal(hub.hub.core.invocations.get(`modelarts-service:${res.body.service_id}`), 0);
  });

  it("sends no call to an instance whose health path does not answer 2xx", async () => {
    const sick = await modelStandIn("SICK", { healthy: false });
    stands.push(sick);
    const sickModel = await publishedModel(hub, "model-sick", sick.port, "corral-test/serve:sick");
    const live = await publishedModel(hub, "model-fine", stands[0]!.port, "corral-test/serve:fine");
    const res = await maCall<{ service_id: string }>(hub, "POST", SERVICES, {
      service_name: "half-sick",
      infer_type: "real-time",
      config: [
        { model_id: sickModel, weight: 90, instance_count: 1, ...SMALL },
        { model_id: live, weight: 10, instance_count: 1, ...SMALL },
      ],
    });
    await untilServiceStatus(hub, res.body.service_id, "running");
    const url = `${hub.hub.httpUrl}/v1/infers/${res.body.service_id}`;
    for (let i = 0; i < 10; i++) {
      const r = await call(`${url}/x`);
      assert.equal(r.status, 200, r.text);
      assert.equal((r.body as Echo).model, "A");
    }
    const mon = await maCall<{ monitors: { invocation_times: number; failed_times: number }[] }>(
      hub,
      "GET",
      `${SERVICES}/${res.body.service_id}/monitor`,
    );
    assert.deepEqual(
      mon.body.monitors.map((m) => m.invocation_times),
      [0, 10],
    );
  });

  it("honours the app gate: a claimed call is allowed or refused by its verdict, never by IAM", async () => {
    const core = hub.hub.core;
    const seen: InferenceServiceRef[] = [];
    const gate: AppCallGate = {
      claims: (c) => c.headers["x-apig-appcode"] !== undefined,
      check: (service, c) => {
        seen.push(service);
        return c.headers["x-apig-appcode"] === "good"
          ? { kind: "allowed", appId: "app-1" }
          : {
              kind: "refused",
              status: 401,
              errorCode: "ModelArts.4104",
              errorMsg: "app code not authorized",
            };
      },
    };
    const services = new InferenceServices(core, () => "0");
    const app = new Koa<ApiState>();
    app.use(surfaceErrors("modelarts", modelartsErrors, testLogger()));
    app.use(inferenceGateway(core, services, gate, new InvocationRates(() => core.clock.now())));
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/infers/${serviceId}`;
    try {
      const ok = await call(`${base}/predict`, { headers: { "x-apig-appcode": "good" } }, null);
      assert.equal(ok.status, 200, ok.text);
      assert.ok(["A", "B"].includes((ok.body as Echo).model));
      const bad = await call(`${base}/predict`, { headers: { "x-apig-appcode": "bad" } }, hub.adminToken);
      assert.equal(bad.status, 401);
      assert.deepEqual(bad.body, { error_code: "ModelArts.4104", error_msg: "app code not authorized" });
      assert.equal(seen[0]?.id, serviceId);
      assert.equal(seen[0]?.accessPath, `/v1/infers/${serviceId}`);
      const iam = await call(`${base}/predict`, {}, hub.adminToken);
      assert.equal(iam.status, 200, "an unclaimed call takes the IAM path");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("keeps invocation_times across a restart (written in batches, not per call)", async () => {
    const before = (await maCall<{ invocation_times: number }>(hub, "GET", `${SERVICES}/${serviceId}`)).body
      .invocation_times;
    assert.ok(before > 100);
    await agent.stop();
    await hub.close();
    hub = await startTestHub({}, hub.dataDir);
    agent = startTestAgent(hub, {
      name: "i1",
      hardware: fakeHardware({ hostname: "i1", cores: 16, memoryMiB: 65536 }),
    });
    const after = await waitFor(
      async () =>
        (await maCall<{ invocation_times: number }>(hub, "GET", `${SERVICES}/${serviceId}`)).body
          .invocation_times,
      "service after restart",
    );
    assert.equal(after, before);
  });
});
