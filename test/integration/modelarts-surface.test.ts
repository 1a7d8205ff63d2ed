import assert from "node:assert/strict";
import { maCall, projectIdOf } from "../helpers/modelarts";
import { startTestHub, type TestHub } from "../helpers/test-hub";

/** The ModelArts surface's frame: paths by project id, its error body, request ids, workspace "0". */
describe("integration: ModelArts surface frame", function () {
  this.timeout(30_000);
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => hub.close());

  it("owns /v1/{project_id}: an unknown route is APIG's 404 with error_code and error_msg", async () => {
    const res = await maCall(hub, "GET", "/v1/{project_id}/no-such-group");
    assert.equal(res.status, 404);
    assert.equal(res.body.error_code, "APIG.0101");
    assert.equal(typeof res.body.error_msg, "string");
    assert.match(res.headers.get("x-request-id") ?? "", /.+/);
  });

  it("refuses a project id that is not the hub's with ModelArts.0210", async () => {
    const other = "0123456789abcdef0123456789abcdef";
    assert.notEqual(other, projectIdOf(hub));
    const res = await maCall(hub, "GET", `/v2/${other}/training-jobs/x`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, "ModelArts.0210");
  });

  it("keeps a project id stable across restarts (the install id in the store)", async () => {
    const before = projectIdOf(hub);
    await hub.close();
    hub = await startTestHub({}, hub.dataDir);
    assert.equal(projectIdOf(hub), before);
    assert.match(before, /^[0-9a-f]{32}$/);
  });

  it("makes the unit behind workspace 0 on first use, visible on other faces", async () => {
    const before = await hub.api<{ projects: { name: string }[] }>("GET", "/api/v1/org-unit/projects");
    assert.ok(
      !before.body.projects.some((p) => p.name === "modelarts-default"),
      "none before ModelArts is used",
    );
    assert.equal((await maCall(hub, "GET", "/v1/{project_id}/workspaces")).status, 200);
    const res = await hub.api<{ projects: { name: string }[] }>("GET", "/api/v1/org-unit/projects");
    assert.equal(res.status, 200);
    assert.ok(
      res.body.projects.some((p) => p.name === "modelarts-default"),
      JSON.stringify(res.body),
    );
  });
});
