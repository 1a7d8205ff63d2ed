import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { maCall, maSigned } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Workspace {
  id: string;
  name: string;
  description: string;
  owner: string;
  auth_type: string;
  grants?: { user_id: string; user_name: string }[];
  create_time: number;
  update_time: number;
  status: string;
}
interface Quota {
  resource: string;
  quota: number;
  used_quota?: number | null;
  update_time: number;
}
interface Err {
  error_code: string;
  error_msg: string;
}

/** Workspaces over core quota units, signed with our own AK/SK signer, every error code reached. */
describe("integration: ModelArts workspaces", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent | undefined;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    await agent?.stop();
    await hub.close();
  });

  const ws = (path = "") => `/v1/{project_id}/workspaces${path}`;
  const create = (body: Record<string, unknown>) => maSigned<Workspace & Err>(hub, "POST", ws(), body);

  it("creates, lists, shows and updates a workspace; times are epoch ms", async () => {
    const made = await create({
      name: "team-vision",
      description: "cv",
      auth_type: "internal",
      grants: [{ user_name: "admin" }],
    });
    assert.equal(made.status, 200, made.text);
    assert.match(made.body.id, /^[0-9a-f]{32}$/);
    assert.equal(made.body.owner, "admin");
    assert.equal(made.body.auth_type, "INTERNAL");
    assert.equal(made.body.status, "NORMAL");
    assert.equal(made.body.grants?.[0]?.user_name, "admin");
    assert.match(made.body.grants?.[0]?.user_id ?? "", /^[0-9a-f]{32}$/);
    assert.ok(Number.isInteger(made.body.create_time) && made.body.create_time > 1e12);

    const list = await maSigned<{ total_count: number; count: number; workspaces: Workspace[] }>(
      hub,
      "GET",
      ws("?sort_by=name&order=asc"),
    );
    assert.equal(list.status, 200);
    const names = list.body.workspaces.map((w) => w.name);
    assert.ok(names.includes("default") && names.includes("team-vision"), names.join());
    assert.deepEqual(names, [...names].sort());
    assert.equal(list.body.total_count, list.body.count);
    // "0" is named default (OpenPAI's VC `default` is listed too, by its own id).
    assert.equal(list.body.workspaces.find((w) => w.id === "0")?.name, "default");
    const paged = await maSigned<{ total_count: number; count: number }>(hub, "GET", ws("?limit=1&offset=1"));
    assert.equal(paged.body.count, 1);
    assert.equal(paged.body.total_count, list.body.total_count);

    const upd = await maSigned<{ workspace_id: string }>(hub, "PUT", ws(`/${made.body.id}`), {
      description: "vision",
      auth_type: "PRIVATE",
    });
    assert.deepEqual(upd.body, { workspace_id: made.body.id });
    const shown = await maSigned<Workspace>(hub, "GET", ws(`/${made.body.id}`));
    assert.equal(shown.body.description, "vision");
    assert.equal(shown.body.auth_type, "PRIVATE");
    assert.deepEqual(shown.body.grants, []);
    // The same unit on other faces: a Run:ai project list shows every unit that holds work.
    const runai = await hub.api<{ projects: { name: string }[] }>("GET", "/api/v1/org-unit/projects");
    assert.ok(
      runai.body.projects.some((p) => p.name === "team-vision"),
      JSON.stringify(runai.body),
    );
  });

  it("refuses bad and reserved names (7001), a taken name (7002) and an unknown id (7005)", async () => {
    for (const name of ["abc", "default", "bad name!"]) {
      const res = await create({ name });
      assert.equal(res.status, 400);
      assert.equal(res.body.error_code, "ModelArts.7001", name);
    }
    const taken = await create({ name: "team-vision" });
    assert.equal(taken.body.error_code, "ModelArts.7002");
    const missing = await maSigned<Err>(hub, "GET", ws("/0123456789abcdef0123456789abcdef"));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error_code, "ModelArts.7005");
    const invalid = await maSigned<Err>(hub, "POST", ws(), { name: "ok-name", auth_type: "SECRET" });
    assert.equal(invalid.body.error_code, "ModelArts.0103");
  });

  it("keeps the default workspace 0: not deletable nor renamable (7003)", async () => {
    const del = await maSigned<Err>(hub, "DELETE", ws("/0"));
    assert.equal(del.status, 400);
    assert.equal(del.body.error_code, "ModelArts.7003");
    const ren = await maSigned<Err>(hub, "PUT", ws("/0"), { name: "renamed-0" });
    assert.equal(ren.body.error_code, "ModelArts.7003");
  });

  it("enforces workspace quotas through the scheduler and shows used_quota from real allocation", async () => {
    agent = startTestAgent(hub, {
      name: "gpu-node",
      hardware: fakeHardware({ cores: 8, gpus: fakeGpus(2) }),
    });
    await agent.welcomed();
    const made = await create({ name: "quota-space" });
    const id = made.body.id;
    const before = await maSigned<{ quotas: Quota[] }>(hub, "GET", ws(`/${id}/quotas`));
    const gpu0 = before.body.quotas.find((q) => q.resource === "modelarts.gpu");
    assert.equal(gpu0?.quota, -1);
    assert.equal(gpu0?.used_quota, null);
    const bad = await maSigned<Err>(hub, "PUT", ws(`/${id}/quotas`), {
      quotas: [{ resource: "modelarts.tpu", quota: 1 }],
    });
    assert.equal(bad.body.error_code, "ModelArts.7007");
    const put = await maSigned<{ quotas: Quota[] }>(hub, "PUT", ws(`/${id}/quotas`), {
      quotas: [{ resource: "modelarts.gpu", quota: 1 }],
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.quotas.find((q) => q.resource === "modelarts.gpu")?.quota, 1);
    const res = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "two-gpus",
      image: "fake",
      instances: 2,
      env: { FAKE_RUN_FOR_MS: "-1" },
      resources: { gpu: 1 },
      quotaUnit: `workspace/quota-space`,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const w = await waitFor(async () => {
      const x = await hub.api<{ tasks: { state: string; reason: string | null }[] }>(
        "GET",
        `/api/corral/v1/workloads/${res.body.id}`,
      );
      return x.body.tasks.some((t) => t.state === "running") && x.body.tasks.some((t) => t.reason)
        ? x.body
        : null;
    }, "one task running, one held by the quota");
    assert.match(w.tasks.find((t) => t.state === "pending")?.reason ?? "", /limit of 1 GPU/);
    const after = await maSigned<{ quotas: Quota[] }>(hub, "GET", ws(`/${id}/quotas`));
    assert.equal(after.body.quotas.find((q) => q.resource === "modelarts.gpu")?.used_quota, 1);
  });

  it("lets non-preemptible work run in workspace 0 (unlimited: deserves what the pool has)", async () => {
    const res = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "in-zero",
      kind: "interactive",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "-1" },
      resources: { cpuMilli: 1000 },
      quotaUnit: "workspace/modelarts-default",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(hub.hub.core.workloads.find(res.body.id)?.preemptible, false);
    await waitFor(
      async () => hub.hub.core.workloads.find(res.body.id)?.state === "running",
      "work in 0 running",
    );
    const zero = await maSigned<{ quotas: Quota[] }>(hub, "GET", ws("/0/quotas"));
    assert.equal(zero.body.quotas.find((q) => q.resource === "modelarts.cpu")?.quota, -1);
    hub.hub.core.workloads.stop(hub.hub.core.workloads.resolve(res.body.id));
  });

  it("deletes a workspace with its work: stops it, marks it deleted, removes the unit", async () => {
    const list = await maSigned<{ workspaces: Workspace[] }>(hub, "GET", ws("?name=quota-space"));
    const id = list.body.workspaces[0]?.id as string;
    const del = await maSigned<{ workspace_id: string }>(hub, "DELETE", ws(`/${id}`));
    assert.deepEqual(del.body, { workspace_id: id });
    await waitFor(async () => {
      const r = await maSigned<Err>(hub, "GET", ws(`/${id}`));
      return r.body.error_code === "ModelArts.7005";
    }, "workspace gone");
    const work = hub.hub.core.workloads.list({}).find((x) => x.name === "two-gpus");
    assert.ok(work && ["stopped", "stopping"].includes(work.state), work?.state);
    assert.equal((work.meta.modelarts as { deleted?: boolean } | undefined)?.deleted, true);
  });

  it("shows a workspace DELETING while its work stops and refuses to change it (7006)", async () => {
    const made = await create({ name: "slow-delete" });
    const res = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "long",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "-1" },
      resources: { cpuMilli: 100 },
      quotaUnit: "workspace/slow-delete",
    });
    await waitFor(async () => hub.hub.core.workloads.find(res.body.id)?.state === "running", "long running");
    // With the agent gone the stop cannot be confirmed, so the workspace stays DELETING.
    await agent?.stop();
    agent = undefined;
    await maSigned(hub, "DELETE", ws(`/${made.body.id}`));
    const shown = await maSigned<Workspace>(hub, "GET", ws(`/${made.body.id}`));
    assert.equal(shown.body.status, "DELETING");
    const upd = await maSigned<Err>(hub, "PUT", ws(`/${made.body.id}`), { description: "x" });
    assert.equal(upd.body.error_code, "ModelArts.7006");
  });

  it("reads the quota of a unit another face made, and refuses to write it (7004)", async () => {
    const project = hub.hub.core.quotaUnits.create({ name: "runai-proj", kind: "project" });
    const id = project.id.replace(/-/g, "");
    const got = await maSigned<{ quotas: Quota[] }>(hub, "GET", ws(`/${id}/quotas`));
    assert.equal(got.status, 200);
    assert.equal(got.body.quotas[0]?.quota, -1);
    const put = await maSigned<Err>(hub, "PUT", ws(`/${id}/quotas`), {
      quotas: [{ resource: "modelarts.gpu", quota: 1 }],
    });
    assert.equal(put.body.error_code, "ModelArts.7004");
  });

  it("answers whether the caller may use a workspace (POST .../auth)", async () => {
    const made = await create({ name: "auth-check", auth_type: "PRIVATE" });
    const res = await maSigned<{ results: { verdict: string; action_id: string }[] }>(
      hub,
      "POST",
      ws(`/${made.body.id}/auth`),
      {
        requests: [{ action: "modelarts:notebook:create", action_id: "req-1", resource: "notebook" }],
      },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r) => [r.verdict, r.action_id]),
      [["allow", "req-1"]],
    );
    // Another (non-admin) user is denied a PRIVATE workspace they do not own.
    await hub.hub.core.users.create({ username: "bob", password: "bob-password-1" });
    const bob = (await hub.hub.core.auth.login("bob", "bob-password-1")).token;
    const denied = await maCall<{ results: { verdict: string }[] }>(
      hub,
      "POST",
      ws(`/${made.body.id}/auth`),
      {},
      bob,
    );
    assert.deepEqual(
      denied.body.results.map((r) => r.verdict),
      ["deny"],
    );
  });
});
