import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";

type Json = Record<string, unknown>;

/**
 * ModelArts submissions go through the core's authorization model: a workspace's auth type makes
 * grants (PUBLIC: everyone a member; PRIVATE: its owner), and another user's notebook is hidden.
 */
describe("integration: ModelArts workspace access through the core authorization model", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let userToken = "";
  let imageId = "";

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "n1" });
    await agent.welcomed();
    const made = await hub.api("POST", "/api/corral/v1/users", {
      username: "ml-user",
      password: "ml-user-pass-1",
    });
    assert.equal(made.status, 201, made.text);
    const login = await hub.api<{ token: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      { username: "ml-user", password: "ml-user-pass-1" },
      null,
    );
    userToken = login.body.token;
    const image = await maCall<Json>(hub, "POST", "/v1/{project_id}/images", {
      swr_path: "bars/busybox:1",
      visibility: "PUBLIC",
    });
    imageId = image.body.id as string;
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  const notebook = (token: string, workspace: string) =>
    maCall<Json>(
      hub,
      "POST",
      "/v1/{project_id}/notebooks",
      { name: "nb", flavor: "modelarts.vm.cpu.1u4g", image_id: imageId, workspace_id: workspace },
      token,
    );

  it("lets any user submit into a PUBLIC workspace, and only its owner into a PRIVATE one", async () => {
    const open = await notebook(userToken, "0");
    assert.equal(open.status, 200, open.text);
    const priv = await maCall<Json>(hub, "POST", "/v1/{project_id}/workspaces", {
      name: "admins-only",
      auth_type: "PRIVATE",
    });
    assert.equal(priv.status, 200, priv.text);
    const refused = await notebook(userToken, priv.body.id as string);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.error_code, "ModelArts.0106");
    assert.match(String(refused.body.error_msg), /not a member/);
    const mine = await notebook(hub.adminToken, priv.body.id as string);
    assert.equal(mine.status, 200, mine.text);

    // The admin's notebook is not the user's to see.
    const hidden = await maCall<Json>(
      hub,
      "GET",
      `/v1/{project_id}/notebooks/${mine.body.id as string}`,
      undefined,
      userToken,
    );
    assert.deepEqual([hidden.status, hidden.body.error_code], [400, "ModelArts.6309"]);
  });
});
