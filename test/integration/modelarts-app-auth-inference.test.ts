import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { modelStandIn, publishedModel, SMALL, untilServiceStatus } from "../helpers/modelarts-inference";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";

interface AppJson {
  app_id: string;
  app_codes: string[];
}

/**
 * App authentication on a real real-time service: apps get app codes, the service's API is
 * registered and authorized to one of them, and calls to access_address carrying an app code are
 * judged by app authentication (no IAM token at all); deleting the service takes its API along,
 * so the app bound to it can be deleted again.
 */
describe("integration: ModelArts app authentication on real services (access_address)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let stand: { port: number; close: () => Promise<void> };
  let serviceId = "";
  let address = "";
  const APPS = "/v1/{project_id}/app-auth/apps";

  const appWithCode = async (name: string): Promise<{ id: string; code: string }> => {
    const made = await maCall<{ app: AppJson }>(hub, "POST", APPS, { app_name: name });
    assert.equal(made.status, 200, made.text);
    const coded = await maCall<{ app: AppJson }>(hub, "POST", `${APPS}/${made.body.app.app_id}/app-code`, {});
    assert.equal(coded.status, 200, coded.text);
    return { id: made.body.app.app_id, code: coded.body.app.app_codes[0] as string };
  };
  const callWithCode = (code: string) => fetch(`${address}/predict`, { headers: { "x-apig-appcode": code } });

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, {
      name: "a1",
      hardware: fakeHardware({ hostname: "a1", cores: 8, memoryMiB: 32768 }),
    });
    await agent.welcomed();
    stand = await modelStandIn("A");
    const model = await publishedModel(hub, "model-a", stand.port);
    const res = await maCall<{ service_id: string }>(hub, "POST", "/v1/{project_id}/services", {
      service_name: "app-called",
      infer_type: "real-time",
      config: [{ model_id: model, weight: 100, instance_count: 1, ...SMALL }],
    });
    assert.equal(res.status, 200, res.text);
    serviceId = res.body.service_id;
    address = String((await untilServiceStatus(hub, serviceId, "running")).access_address);
  });
  after(async () => {
    await agent.stop();
    await hub.close();
    await stand.close();
  });

  it("lets an authorized app call with its AppCode, refuses another app and an unknown code", async () => {
    const allowed = await appWithCode("allowed_app");
    const other = await appWithCode("other_app");
    const reg = await maCall<{ auth_result: { success: boolean }[] }>(
      hub,
      "POST",
      `/v1/{project_id}/services/${serviceId}/app-auth-api`,
      { apps: [{ app_id: allowed.id }], workspace_id: "0" },
    );
    assert.equal(reg.status, 200, reg.text);
    assert.deepEqual(
      reg.body.auth_result.map((r) => r.success),
      [true],
    );

    const ok = await callWithCode(allowed.code);
    assert.equal(ok.status, 200, await ok.clone().text());
    const echo = (await ok.json()) as { model: string; url: string };
    assert.deepEqual([echo.model, echo.url], ["A", "/predict"]);

    const refused = await callWithCode(other.code);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error_code: string }).error_code, "APIG.0304");
    const unknown = await callWithCode("f".repeat(64));
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as { error_code: string }).error_code, "APIG.0303");

    const s = await maCall<{ invocation_times: number }>(
      hub,
      "GET",
      `/v1/{project_id}/services/${serviceId}`,
    );
    assert.equal(s.body.invocation_times, 1, "only the allowed call reached the service");

    // Bound to the service's API, the app cannot be deleted; once the service is gone, it can.
    const bound = await maCall(hub, "DELETE", `${APPS}/${allowed.id}`);
    assert.equal(bound.status, 409, bound.text);
    const gone = await maCall(hub, "DELETE", `/v1/{project_id}/services/${serviceId}`);
    assert.equal(gone.status, 200, gone.text);
    const freed = await maCall(hub, "DELETE", `${APPS}/${allowed.id}`);
    assert.equal(freed.status, 200, freed.text);
  });
});
