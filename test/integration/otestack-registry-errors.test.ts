/**
 * OTE-stack's /v1/repository routes when the hub's registry (CORRAL_REGISTRY_URL) fails: the
 * registry's failure answers 502 with its words, whether it answers an error or is not there.
 */
import assert from "node:assert/strict";
import { startHttpStub, type HttpStub } from "../helpers/http-stub";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

describe("integration: OTE-stack repository routes over a failing registry", () => {
  let registry: HttpStub;
  let hub: TestHub;
  let admin: OteClient;

  before(async () => {
    registry = await startHttpStub(() => ({ status: 503, body: { errors: [{ code: "UNAVAILABLE" }] } }));
    hub = await startTestHub({ CORRAL_REGISTRY_URL: registry.url });
    admin = new OteClient(hub.hub.httpUrl);
    await admin.login(ADMIN.username, ADMIN.password);
  });
  after(async () => {
    await hub?.close();
    await registry?.close();
  });

  it("answers 502 with the registry's status when the registry answers an error", async () => {
    const res = await admin.call("GET", "/v1/repository/image?projectName=test");
    assert.equal(res.status, 502);
    assert.equal(res.body.code, 502);
    assert.match(res.body.message, /registry answered 503/);
    assert.ok(registry.seen.some((r) => r.url.startsWith("/v2/_catalog")));
  });

  it("answers 502 naming the registry when it cannot be reached", async () => {
    await registry.close();
    const res = await admin.call("GET", "/v1/repository/project");
    assert.equal(res.status, 502);
    assert.match(res.body.message, new RegExp(`registry ${registry.url} unreachable`));
  });
});
