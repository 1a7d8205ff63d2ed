import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { maCall, maSigned } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Err {
  error_code: string;
  error_msg: string;
}

/** Authorization management, the account's auth mode, OS quotas and the event trace list. */
describe("integration: ModelArts authorizations, auth mode, OS quotas, events", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let bob = "";
  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "ev-node", cluster: "pool-a" });
    await agent.welcomed();
    await hub.hub.core.users.create({ username: "bob", password: "bob-password-1" });
    bob = (await hub.hub.core.auth.login("bob", "bob-password-1")).token;
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("stores authorizations as given (the SK sealed, shown masked) and deletes them", async () => {
    const agency = await maSigned(hub, "POST", "/v2/{project_id}/authorizations", {
      user_id: "all",
      type: "agency",
      content: "modelarts_agency",
    });
    assert.equal(agency.status, 200, agency.text);
    const cred = await maSigned(hub, "POST", "/v2/{project_id}/authorizations", {
      user_name: "bob",
      type: "credential",
      content: "AKBOB000000000000000",
      secret_key: "s".repeat(40),
    });
    assert.equal(cred.status, 200, cred.text);
    const list = await maSigned<{
      total_count: number;
      auth: { user_name: string; type: string; content: string; secret_key?: string; create_time: number }[];
    }>(hub, "GET", "/v2/{project_id}/authorizations?sort_by=user_name&order=asc");
    assert.equal(list.body.total_count, 2);
    assert.deepEqual(
      list.body.auth.map((a) => [a.user_name, a.type, a.content]),
      [
        ["admin", "agency", "modelarts_agency"],
        ["bob", "credential", "AKBOB000000000000000"],
      ],
    );
    assert.equal(list.body.auth[1]?.secret_key, "********");
    assert.ok(list.body.auth.every((a) => a.create_time > 1e12));
    assert.ok(
      !JSON.stringify(hub.hub.core.surfaceSettings.get("modelarts", "authorizations")).includes(
        "s".repeat(40),
      ),
    );
    const noSecret = await maSigned<Err>(hub, "POST", "/v2/{project_id}/authorizations", {
      user_name: "bob",
      type: "credential",
      content: "AK",
    });
    assert.equal(noSecret.body.error_code, "ModelArts.0103");
    const nobody = await maSigned<Err>(hub, "POST", "/v2/{project_id}/authorizations", {
      user_name: "carol",
      type: "agency",
      content: "a",
    });
    assert.equal(nobody.body.error_code, "ModelArts.0104");
    const forbidden = await maCall<Err>(
      hub,
      "POST",
      "/v2/{project_id}/authorizations",
      { user_id: "all", type: "agency", content: "x" },
      bob,
    );
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error_code, "ModelArts.0106");
    const bobId = hub.hub.core.users.get("bob").id.replace(/-/g, "");
    assert.equal(
      (await maSigned(hub, "DELETE", `/v2/{project_id}/authorizations?user_id=${bobId}`)).status,
      200,
    );
    // Signed a second later: the same request in the same second would be a replay.
    const again = await maSigned<Err>(
      hub,
      "DELETE",
      `/v2/{project_id}/authorizations?user_id=${bobId}`,
      undefined,
      undefined,
      {
        at: new Date(Date.now() + 1000),
      },
    );
    assert.equal(again.body.error_code, "ModelArts.0104");
    await maSigned(hub, "DELETE", "/v2/{project_id}/authorizations?user_id=all");
    const empty = await maSigned<{ total_count: number }>(hub, "GET", "/v2/{project_id}/authorizations");
    assert.equal(empty.body.total_count, 0);
  });

  it("creates the ModelArts agency once", async () => {
    const res = await maSigned<{ agency_name: string }>(hub, "POST", "/v2/{project_id}/agency", {
      agency_name_suffix: "ci",
    });
    assert.equal(res.body.agency_name, "modelarts_agency_ci");
  });

  it("keeps the account's authorization mode at /v1/auth-mode (no project id)", async () => {
    const before = await maSigned<{ mode: string; domain_id: string }>(hub, "GET", "/v1/auth-mode");
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.mode, "loose");
    const put = await maSigned<{ mode: string }>(hub, "PUT", "/v1/auth-mode", { mode: "strict" });
    assert.equal(put.body.mode, "strict");
    assert.equal((await maSigned<{ mode: string }>(hub, "GET", "/v1/auth-mode")).body.mode, "strict");
    const bad = await maSigned<Err>(hub, "PUT", "/v1/auth-mode", { mode: "lax" });
    assert.equal(bad.body.error_code, "ModelArts.0103");
    // Other /v1 paths stay OTE-stack's.
    const ote = await maCall(hub, "GET", "/v1/users");
    assert.notEqual(ote.body.error_code, "APIG.0101");
  });

  it("shows OS quotas as strings of what the hub has", async () => {
    const res = await maSigned<{ quotas: { resources: { type: string; quota: string; used: string }[] } }>(
      hub,
      "GET",
      "/v1/{project_id}/quotas",
    );
    const pool = res.body.quotas.resources.find((r) => r.type === "pool");
    assert.equal(pool?.used, String(hub.hub.core.clusters.list().length));
    assert.equal(typeof pool?.quota, "string");
  });

  it("lists the event trail Kubernetes-style, by pool, type and page", async () => {
    const res = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "ev",
      image: "fake",
      cluster: "pool-a",
      env: { FAKE_RUN_FOR_MS: "10" },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await waitFor(async () => hub.hub.core.workloads.find(res.body.id)?.state === "succeeded", "ev done");
    type EventList = {
      apiVersion: string;
      kind: string;
      metadata: { continue: string; remainingItemCount: number };
      items: {
        kind: string;
        type: string;
        reason: string;
        message: string;
        firstTimestamp: string;
        count: number;
      }[];
    };
    const all = await maSigned<EventList>(hub, "GET", "/v1/{project_id}/events?resource=pools&name=pool-a");
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.kind, "EventList");
    assert.ok(
      all.body.items.some((e) => e.reason === "Scheduled"),
      JSON.stringify(all.body.items),
    );
    assert.ok(all.body.items.every((e) => e.kind === "Event" && !Number.isNaN(Date.parse(e.firstTimestamp))));
    const page = await maSigned<EventList>(hub, "GET", "/v1/{project_id}/events?limit=1");
    assert.equal(page.body.items.length, 1);
    assert.ok(page.body.metadata.continue);
    const next = await maSigned<EventList>(
      hub,
      "GET",
      `/v1/{project_id}/events?limit=1&continue=${page.body.metadata.continue}`,
    );
    assert.notDeepEqual(next.body.items, page.body.items);
    const warnings = await maSigned<EventList>(hub, "GET", "/v1/{project_id}/events?type=Warning");
    assert.ok(warnings.body.items.every((e) => e.type === "Warning"));
    const noPool = await maSigned<Err>(hub, "GET", "/v1/{project_id}/events?resource=pools&name=nope");
    assert.equal(noPool.status, 404);
    assert.equal(noPool.body.error_code, "ModelArts.50015001");
    const badToken = await maSigned<Err>(hub, "GET", "/v1/{project_id}/events?continue=x");
    assert.equal(badToken.body.error_code, "ModelArts.0103");
  });
});
