/**
 * One authorization model for every surface (core.authz; docs/security.md, "Authorization
 * model"): each finding of issue 13's role escalation, data exposure and quota bypass, through
 * the real HTTP path of the surface it was found on.
 */
import assert from "node:assert/strict";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

const PASSWORD = "Secret1234";

describe("integration: one authorization model across surfaces", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let namespace: string;
  let businessId: string;
  /** OTE role-2 administrator of `namespace`. */
  let oteAdmin: OteClient;
  const tokens: Record<string, string> = {};

  const ote = (token: string) => {
    const c = new OteClient(hub.hub.httpUrl);
    c.token = token;
    return c;
  };
  const login = async (username: string) => {
    const res = await hub.api<{ token: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      { username, password: PASSWORD },
      null,
    );
    assert.equal(res.status, 200, res.text);
    return res.body.token;
  };
  /** An OpenPAI user (in the `default` group and VC, as OpenPAI makes them). */
  const paiUser = async (username: string, admin = false) => {
    const res = await hub.api("POST", "/api/v2/users", { username, password: PASSWORD, admin });
    assert.equal(res.status, 201, res.text);
  };
  /** An OTE user of `namespace` with `role`, approved. */
  const oteUser = async (username: string, role: 1 | 2) => {
    await hub.hub.core.users.create({
      username,
      password: PASSWORD,
      extension: {
        otestack: { role, phone: "", realName: "", namespaces: [namespace], wantsAdmin: false, comment: "" },
      },
    });
  };

  before(async () => {
    hub = await startTestHub();
    businessId = hub.hub.core.quotaUnits.create({ name: "biz", kind: "business" }).id;
    const admin = new OteClient(hub.hub.httpUrl);
    await admin.login(ADMIN.username, ADMIN.password);
    const list = await admin.call<{ name: string; namespace: string }[]>("GET", "/v1/business");
    namespace = list.body.data?.find((b) => b.name === "biz")?.namespace ?? "";
    assert.ok(namespace, JSON.stringify(list.body));
    await oteUser("oteadmin", 2);
    await oteUser("otemember", 1);
    await paiUser("paiuser");
    await paiUser("other");
    // The target of the escalation attempts (their success would revoke its tokens).
    await paiUser("victim");
    for (const u of ["oteadmin", "otemember", "paiuser", "other"]) tokens[u] = await login(u);
    oteAdmin = ote(tokens["oteadmin"] as string);
  });
  after(() => hub.close());

  describe("role escalation", () => {
    it("an OTE role-2 admin cannot reset the password of, or forbid, a user outside its namespaces", async () => {
      const reset = await oteAdmin.call("PUT", "/v1/admin/user/victim/password", { password: "Hijack1234" });
      assert.equal(reset.status, 403, JSON.stringify(reset.body));
      const forbid = await oteAdmin.call("PUT", "/v1/admin/user/victim/status", { status: 3 });
      assert.equal(forbid.status, 403, JSON.stringify(forbid.body));
      const remove = await oteAdmin.call("DELETE", "/v1/admin/user/victim");
      assert.equal(remove.status, 403);
      assert.equal(hub.hub.core.users.get("victim").status, "active");
      // Nor does it list them (names, e-mails): only its namespaces' users.
      const listed = await oteAdmin.call<{ user: string }[]>("GET", "/v1/admin/user?pageSize=0");
      const names = (listed.body.data ?? []).map((u) => u.user);
      assert.ok(names.includes("otemember") && !names.includes("victim"), names.join());
      // Its own namespace's users stay its to manage.
      const own = await oteAdmin.call("PUT", "/v1/admin/user/otemember/password", { password: "Member1234" });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      // The reset revoked the member's tokens: later tests use a fresh one.
      tokens["otemember"] = hub.hub.core.auth.issue(hub.hub.core.users.get("otemember"), "login", 3600).token;
    });

    it("an OTE role-2 admin cannot add node or cluster labels", async () => {
      const cluster = await oteAdmin.call("POST", "/v1/cluster/label", {
        clusterName: "default",
        clusterLabel: "pwn",
      });
      assert.equal(cluster.status, 403, JSON.stringify(cluster.body));
      const node = await oteAdmin.call("POST", "/v1/node/label", {
        clusterName: "default",
        nodeName: "n1",
        nodeLabel: "pwn",
      });
      assert.equal(node.status, 403, JSON.stringify(node.body));
    });

    it("an OTE role-2 admin cannot delete the system admin's external repositories", async () => {
      const sys = new OteClient(hub.hub.httpUrl);
      await sys.login(ADMIN.username, ADMIN.password);
      const made = await sys.call<{ id: number }>("POST", "/v1/repository/external", {
        name: "sysrepo",
        address: "registry.example:5000",
        username: "u",
        password: "p",
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const del = await oteAdmin.call("DELETE", `/v1/repository/external/${made.body.data?.id}`);
      assert.equal(del.status, 403, JSON.stringify(del.body));
      const third = await oteAdmin.call("DELETE", "/v1/repository/third", { repositoryId: ["sysrepo"] });
      assert.equal(third.status, 403, JSON.stringify(third.body));
      assert.ok(hub.hub.core.registryCredentials.list().some((r) => r.name === "sysrepo"));
      // Its own it deletes.
      const mine = await oteAdmin.call<{ id: number }>("POST", "/v1/repository/external", {
        name: "minerepo",
        address: "registry.example:5000",
        username: "u",
        password: "p",
      });
      assert.equal(
        (await oteAdmin.call("DELETE", `/v1/repository/external/${mine.body.data?.id}`)).status,
        200,
      );
    });

    it("a demoted admin loses OTE role 4 and cannot regain admin through OTE", async () => {
      await paiUser("boss", true);
      const boss = ote(await login("boss"));
      assert.equal((await boss.call<{ role: number }>("GET", "/v1/authorization")).body.data?.role, 4);
      // Its stored OTE profile says role 4, as the bootstrap or an OTE grant would write it.
      const u = hub.hub.core.users.get("boss");
      hub.hub.core.users.save({ ...u, extension: { ...u.extension, otestack: { role: 4, namespaces: [] } } });
      const demote = await hub.api("PUT", "/api/v2/users/boss/admin", { admin: false });
      assert.equal(demote.status, 201, demote.text);
      assert.equal(hub.hub.core.users.get("boss").admin, false);
      const info = await boss.call<{ role: number; isAdmin: boolean }>("GET", "/v1/authorization");
      assert.notEqual(info.body.data?.role, 4);
      const sub = await boss.call("POST", "/v1/admin/user", { user: "newboss", password: PASSWORD, role: 4 });
      assert.equal(sub.status, 403, JSON.stringify(sub.body));
      assert.equal(hub.hub.core.users.find("newboss"), undefined);
      const relabel = await boss.call("POST", "/v1/cluster/label", {
        clusterName: "default",
        clusterLabel: "x",
      });
      assert.equal(relabel.status, 403);
    });
  });

  describe("data exposure across surfaces", () => {
    before(async () => {
      const native = await hub.api("POST", "/api/corral/v1/workloads", {
        name: "secret-native",
        image: "busybox",
      });
      assert.equal(native.status, 201, native.text);
      const job = await hub.api("POST", "/api/v1/jobs", {
        jobName: "pai-job",
        image: "busybox",
        virtualCluster: "default",
        taskRoles: [
          { name: "main", taskNumber: 1, cpuNumber: 1, memoryMB: 128, gpuNumber: 0, command: "true" },
        ],
      });
      assert.equal(job.status, 202, job.text);
    });

    it("GET /api/v1/jobs and job detail without a token show OpenPAI's own jobs only", async () => {
      const list = await hub.api<{ name: string }[]>("GET", "/api/v1/jobs", undefined, null);
      assert.equal(list.status, 200);
      const names = list.body.map((j) => j.name);
      assert.ok(names.includes("pai-job"), names.join());
      assert.ok(!names.includes("secret-native"), names.join());
      assert.equal((await hub.api("GET", "/api/v1/jobs/admin~secret-native", undefined, null)).status, 404);
      assert.equal(
        (await hub.api("GET", "/api/v1/user/admin/jobs/secret-native", undefined, null)).status,
        404,
      );
      assert.equal((await hub.api("GET", "/api/v1/user/admin/jobs/pai-job", undefined, null)).status, 200);
    });

    it("another user's token sees neither another surface's workloads nor another's task logs on OpenPAI", async () => {
      const t = tokens["paiuser"] as string;
      const list = await hub.api<{ name: string }[]>("GET", "/api/v2/jobs", undefined, t);
      assert.equal(list.status, 200);
      assert.ok(!list.body.some((j) => j.name === "secret-native"));
      assert.equal((await hub.api("GET", "/api/v2/jobs/admin~secret-native", undefined, t)).status, 404);
      const task = "/api/v2/jobs/admin~pai-job/attempts/0/taskRoles/main/taskIndex/0/attempts";
      const other = await hub.api<{ code: string }>("GET", task, undefined, t);
      assert.equal(other.status, 403, other.text);
      assert.equal(other.body.code, "ForbiddenUserError");
      assert.equal((await hub.api("GET", `${task}/0/logs/all`, undefined, t)).status, 403);
      // The owner still reads them.
      assert.equal((await hub.api("GET", task)).status, 200);
    });

    it("an OTE replica's logs are not readable outside its namespace", async () => {
      // A replica is a service workload of its deployment's owner in the business's quota unit.
      hub.hub.core.workloads.submit({
        name: "replica-1",
        owner: "otemember",
        kind: "service",
        quotaUnitId: businessId,
        roles: [
          {
            name: "main",
            image: "busybox",
            command: [],
            env: {},
            instances: 1,
            resources: { cpuMilli: 0, memoryMiB: 0, gpu: 0 },
            ports: [],
            maxAttempts: 1,
          },
        ],
      });
      const id = hub.hub.core.workloads.findByOwnerAndName("otemember", "replica-1")?.id;
      const outsider = tokens["paiuser"] as string;
      const pai = "/api/v2/jobs/otemember~replica-1/attempts/0/taskRoles/main/taskIndex/0/attempts";
      assert.equal((await hub.api("GET", pai, undefined, outsider)).status, 404);
      const native = await hub.api("GET", `/api/corral/v1/workloads/${id}/tasks/0/logs`, undefined, outsider);
      assert.equal(native.status, 403, native.text);
      // The namespace's administrator may (the log itself needs a running task: not 403).
      const mine = await hub.api("GET", pai, undefined, tokens["oteadmin"]);
      assert.equal(mine.status, 200, mine.text);
    });
  });

  describe("quota bypass", () => {
    before(() => {
      hub.hub.core.quotaUnits.create({ name: "secret-project", kind: "project" });
    });
    const submit = (token: string, extra: Record<string, unknown>) =>
      hub.api<{ message?: string }>(
        "POST",
        "/api/corral/v1/workloads",
        { name: `w-${Math.random().toString(36).slice(2, 8)}`, image: "busybox", ...extra },
        token,
      );

    it("the native API refuses submission into a quota unit the caller is not a member of", async () => {
      const t = tokens["paiuser"] as string;
      assert.equal((await submit(t, { project: "secret-project" })).status, 403);
      assert.equal((await submit(t, { quotaUnit: "business/biz" })).status, 403);
      // Its own VC (OpenPAI's default group), and no unit at all, stay open.
      assert.equal((await submit(t, { quotaUnit: "virtual-cluster/default" })).status, 201);
      assert.equal((await submit(t, {})).status, 201);
      // An OTE member submits into its business.
      assert.equal((await submit(tokens["otemember"] as string, { quotaUnit: "business/biz" })).status, 201);
    });

    it("refuses priorities above the caller's right", async () => {
      const t = tokens["paiuser"] as string;
      assert.equal((await submit(t, { priority: 1000 })).status, 403);
      assert.equal((await submit(t, { priorityClass: "inference" })).status, 403);
      assert.equal((await submit(t, { priorityClass: "build" })).status, 201);
      // The unit's admin may give its work the top class; the admin any number.
      assert.equal(
        (
          await submit(tokens["oteadmin"] as string, {
            quotaUnit: "business/biz",
            priorityClass: "inference",
          })
        ).status,
        201,
      );
      assert.equal((await submit(hub.adminToken, { priority: 1000 })).status, 201);
    });

    it("OpenPAI refuses a job in a VC the caller has no access to", async () => {
      const job = await hub.api(
        "POST",
        "/api/v1/jobs",
        {
          jobName: "sneak",
          image: "busybox",
          virtualCluster: "secret-project",
          taskRoles: [
            { name: "main", taskNumber: 1, cpuNumber: 1, memoryMB: 128, gpuNumber: 0, command: "true" },
          ],
        },
        tokens["paiuser"],
      );
      assert.equal(job.status, 403, job.text);
    });
  });
});
