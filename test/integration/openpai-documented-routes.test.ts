/**
 * Every route of the OpenPAI REST API document (v1 jobs and VCs, v2 users, groups and jobs), called
 * as the document shows: its paths (the singular `/api/v2/user` and `/api/v2/group`), methods,
 * bodies and headers, checking the status, error code, message and fields it documents. Where the
 * document contradicts itself the README's OpenPAI section says which form the hub answers.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import type { RunningAgent } from "../../agent/agent";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Reply {
  status: number;
  // Parsed JSON when the body is JSON.
  body: Record<string, unknown>;
  text: string;
  type: string;
}

/** A small v1 job (the YARN-era JSON config) the FakeRuntime agent plays. */
const v1Job = (jobName: string, virtualCluster = "default") => ({
  jobName,
  image: "corral-test/busybox:1",
  virtualCluster,
  jobEnvs: { WHO: "pai" },
  taskRoles: [
    { name: "main", taskNumber: 1, cpuNumber: 1, memoryMB: 256, gpuNumber: 0, command: "sleep 60" },
  ],
});

const v2Job = (name: string, vc = "default") => `protocolVersion: 2
name: ${name}
type: job
prerequisites:
  - {type: dockerimage, name: img, uri: corral-test/busybox:1}
taskRoles:
  main:
    dockerImage: img
    resourcePerInstance: {cpu: 1, memoryMB: 256, gpu: 0}
    commands: [sleep 60]
defaults: {virtualCluster: ${vc}}
`;

describe("integration: OpenPAI routes as the API document shows them", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let alice: string;

  const call = async (
    method: string,
    url: string,
    body?: unknown,
    token: string | null = hub.adminToken,
    type = "application/json",
  ): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = type;
    const res = await fetch(`${hub.hub.httpUrl}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // YAML or text
    }
    return { status: res.status, body: parsed, text, type: res.headers.get("content-type") ?? "" };
  };
  /** The documented answer: status, then {message} or {code, message}. */
  const expectReply = (r: Reply, status: number, expected: { code?: string; message?: string }) => {
    assert.equal(r.status, status, r.text);
    if (expected.code !== undefined) assert.equal(r.body.code, expected.code, r.text);
    if (expected.message !== undefined) assert.equal(r.body.message, expected.message, r.text);
  };
  const login = async (username: string, password: string) =>
    (await call("POST", "/api/v2/authn/basic/login", { username, password }, null)).body.token as string;

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "doc-node-1" });
    await waitFor(() => hub.hub.core.nodes.list().some((n) => n.status === "ready"), "node ready");
    const created = await call("POST", "/api/v2/user", {
      username: "alice",
      password: "alice-pass",
      admin: false,
      email: "alice@example.com",
      virtualCluster: ["default"],
      extension: { "extension-key1": "extension-value1" },
    });
    expectReply(created, 201, { message: "User is created successfully" });
    alice = await login("alice", "alice-pass");
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("GET /api/v1/ answers the cluster info", async () => {
    const r = await call("GET", "/api/v1/", undefined, null);
    assert.equal(r.status, 200);
    assert.equal(r.body.name, "PAI RESTfulAPI");
    assert.ok(["yarn", "k8s"].includes(r.body.launcherType as string));
    assert.ok(["basic", "OIDC"].includes(r.body.authnMethod as string));
    assert.equal(typeof r.body.version, "string");
  });

  it("POST /api/v1/token takes the document's form-encoded body", async () => {
    const form = "username=alice&password=alice-pass&expiration=3600";
    const r = await call("POST", "/api/v1/token", form, null, "application/x-www-form-urlencoded");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user, "alice");
    assert.equal(r.body.admin, false);
    assert.equal(typeof r.body.token, "string");
    expectReply(await call("POST", "/api/v1/token", { username: "nobody", password: "x" }, null), 400, {
      code: "NoUserError",
      message: "User nobody is not found.",
    });
    expectReply(await call("POST", "/api/v1/token", { username: "alice", password: "wrong-pw" }, null), 400, {
      code: "IncorrectPasswordError",
      message: "Password is incorrect.",
    });
  });

  it("POST /api/v2/user: 201, 401 guest, 403 non-admin, 409 duplicate", async () => {
    const body = {
      username: "bob",
      password: "bob-pass",
      admin: false,
      email: "",
      virtualCluster: ["default"],
    };
    expectReply(await call("POST", "/api/v2/user", body, null), 401, {
      code: "UnauthorizedUserError",
      message: "Guest is not allowed to do this operation.",
    });
    expectReply(await call("POST", "/api/v2/user", body, alice), 403, {
      code: "ForbiddenUserError",
      message: "Non-admin is not allow to do this operation.",
    });
    expectReply(await call("POST", "/api/v2/user", body), 201, { message: "User is created successfully" });
    expectReply(await call("POST", "/api/v2/user", body), 409, {
      code: "ConflictUserError",
      message: "User name bob already exists.",
    });
  });

  it("PUT /api/v2/user/:username/password: self with oldPassword, admin without; 403 and 404", async () => {
    await call("POST", "/api/v2/user", { username: "pw_user", password: "pw-pass-1" });
    const self = await login("pw_user", "pw-pass-1");
    expectReply(
      await call(
        "PUT",
        "/api/v2/user/pw_user/password",
        { oldPassword: "wrong-pw", newPassword: "pw-pass-2" },
        self,
      ),
      403,
      { code: "ForbiddenUserError", message: "Pls input the correct password." },
    );
    expectReply(
      await call(
        "PUT",
        "/api/v2/user/pw_user/password",
        { oldPassword: "pw-pass-1", newPassword: "pw-pass-2" },
        self,
      ),
      201,
      { message: "update user password successfully." },
    );
    expectReply(await call("PUT", "/api/v2/user/pw_user/password", { newPassword: "pw-pass-3" }), 201, {
      message: "update user password successfully.",
    });
    assert.equal(typeof (await login("pw_user", "pw-pass-3")), "string");
    expectReply(await call("PUT", "/api/v2/user/nobody/password", { newPassword: "pw-pass-3" }), 404, {
      code: "NoUserError",
    });
  });

  it("PUT /api/v2/user/:username/virtualcluster: 201, 400 unknown VC, 403 non-admin", async () => {
    expectReply(await call("PUT", "/api/v2/user/bob/virtualcluster", { virtualCluster: ["default"] }), 201, {
      message: "Update user virtualCluster data successfully.",
    });
    expectReply(await call("PUT", "/api/v2/user/bob/virtualcluster", { virtualCluster: ["nope"] }), 400, {
      code: "NoVirtualClusterError",
      message: "Virtual cluster nope is not found.",
    });
    expectReply(await call("PUT", "/api/v2/user/bob/virtualcluster", { virtualCluster: [] }, alice), 403, {
      code: "ForbiddenUserError",
    });
  });

  it("PUT /api/v2/user/:username/email: the user's own, 401 guest, 404 unknown", async () => {
    const r = await call("PUT", "/api/v2/user/alice/email", { email: "alice@new.example.com" }, alice);
    assert.equal(r.status, 201, r.text);
    const me = await call("GET", "/api/v2/user/alice", undefined, alice);
    assert.equal(me.body.email, "alice@new.example.com");
    expectReply(await call("PUT", "/api/v2/user/alice/email", { email: "x@y.z" }, null), 401, {
      code: "UnauthorizedUserError",
    });
    expectReply(await call("PUT", "/api/v2/user/nobody/email", { email: "x@y.z" }), 404, {
      code: "NoUserError",
    });
  });

  it("PUT /api/v2/user/:username/admin: 201 for an admin, 403 for a non-admin", async () => {
    expectReply(await call("PUT", "/api/v2/user/bob/admin", { admin: true }, alice), 403, {
      code: "ForbiddenUserError",
      message: "Non-admin is not allow to do this operation.",
    });
    expectReply(await call("PUT", "/api/v2/user/bob/admin", { admin: true }), 201, {
      message: "Update user admin permission successfully.",
    });
    assert.equal((await call("GET", "/api/v2/user/bob")).body.admin, true);
    await call("PUT", "/api/v2/user/bob/admin", { admin: false });
  });

  it("PUT /api/v2/user/:username/extension: a user updates their own; keys added or updated", async () => {
    const r = await call(
      "PUT",
      "/api/v2/user/alice/extension",
      { extension: { "key-you-wannat-add-or-update-1": "value1", "key-you-wannat-add-or-update-3": [1] } },
      alice,
    );
    expectReply(r, 201, { message: "Update user extension data successfully." });
    const ext = (await call("GET", "/api/v2/user/alice", undefined, alice)).body.extension as Record<
      string,
      unknown
    >;
    assert.equal(ext["extension-key1"], "extension-value1");
    assert.equal(ext["key-you-wannat-add-or-update-1"], "value1");
    assert.deepEqual(ext["key-you-wannat-add-or-update-3"], [1]);
    // Not someone else's.
    expectReply(await call("PUT", "/api/v2/user/bob/extension", { extension: { a: 1 } }, alice), 403, {
      code: "ForbiddenUserError",
    });
    expectReply(await call("PUT", "/api/v2/user/nobody/extension", { extension: {} }), 404, {
      code: "NoUserError",
    });
  });

  it("POST /api/v2/group and its extension, description and externalname writes (POST as documented)", async () => {
    const group = {
      groupname: "doc_group",
      description: "description for the group",
      externalName: "the external group name",
      extension: { "extension-key1": "extension-value1" },
    };
    expectReply(await call("POST", "/api/v2/group", group, alice), 403, {
      code: "ForbiddenUserError",
      message: "Non-admin is not allow to do this operation.",
    });
    expectReply(await call("POST", "/api/v2/group", group), 201, {
      message: "group is created successfully",
    });
    expectReply(
      await call("POST", "/api/v2/group/doc_group/extension", {
        extension: { "key-create-or-update-1": "v1" },
      }),
      201,
      { message: "update group extension data successfully." },
    );
    expectReply(
      await call("POST", "/api/v2/group/doc_group/description", { description: "new description" }),
      201,
      {
        message: "update group description data successfully.",
      },
    );
    expectReply(
      await call("POST", "/api/v2/group/doc_group/externalname", { externalName: "ext_name" }),
      201,
      {
        message: "update group externalNameData data successfully.",
      },
    );
    expectReply(await call("POST", "/api/v2/group/doc_group/description", { description: "x" }, alice), 403, {
      code: "ForbiddenUserError",
    });
    const g = (await call("GET", "/api/v2/group/doc_group")).body;
    assert.deepEqual(g, {
      groupname: "doc_group",
      description: "new description",
      externalName: "ext_name",
      extension: { "key-create-or-update-1": "v1" },
    });
    // PUT keeps working, and a nested extension attribute takes POST too.
    assert.equal(
      (await call("PUT", "/api/v2/group/doc_group/description", { description: "put" })).status,
      201,
    );
    assert.equal(
      (await call("POST", "/api/v2/group/doc_group/extension/acls/admin", { data: false })).status,
      201,
    );
    const acls = ((await call("GET", "/api/v2/group/doc_group")).body.extension as { acls: unknown }).acls;
    assert.deepEqual(acls, { admin: false });
  });

  it("PUT /api/v2/user/:username/grouplist, PUT and DELETE /api/v2/user/:username/group", async () => {
    expectReply(
      await call("PUT", "/api/v2/user/bob/grouplist", { grouplist: ["default", "doc_group"] }),
      201,
      {
        message: "update user grouplist successfully.",
      },
    );
    const members = (await call("GET", "/api/v2/groups/doc_group/userlist")).body as unknown as unknown[];
    assert.deepEqual(members, [{ username: "bob", clusterAdmin: false }]);
    expectReply(await call("DELETE", "/api/v2/user/bob/group", { groupname: "doc_group" }), 201, {
      message: "User bob is removed from group doc_group",
    });
    expectReply(await call("PUT", "/api/v2/user/bob/group", { groupname: "doc_group" }), 201, {
      message: "User bob is added into group doc_group",
    });
    expectReply(await call("PUT", "/api/v2/user/bob/group", { groupname: "doc_group" }, alice), 403, {
      code: "ForbiddenUserError",
    });
    expectReply(await call("PUT", "/api/v2/user/nobody/grouplist", { grouplist: ["default"] }), 404, {
      code: "NoUserError",
    });
  });

  it("DELETE /api/v2/group/:groupname and DELETE /api/v2/user/:username", async () => {
    expectReply(await call("DELETE", "/api/v2/group/doc_group", undefined, alice), 403, {
      code: "ForbiddenUserError",
    });
    expectReply(await call("DELETE", "/api/v2/group/doc_group"), 200, {
      message: "group is removed successfully",
    });
    expectReply(await call("DELETE", `/api/v2/user/${ADMIN.username}`), 403, {
      code: "RemoveAdminError",
      message: `Admin ${ADMIN.username} is not allowed to remove.`,
    });
    expectReply(await call("DELETE", "/api/v2/user/bob", undefined, alice), 403, {
      code: "ForbiddenUserError",
    });
    expectReply(await call("DELETE", "/api/v2/user/bob"), 200, { message: "user is removed successfully" });
    expectReply(await call("DELETE", "/api/v2/user/bob"), 404, {
      code: "NoUserError",
      message: "User bob is not found.",
    });
  });

  it("POST /api/v1/user/:username/jobs: 202 {message}, 400 unknown VC, 409 duplicate", async () => {
    const r = await call("POST", "/api/v1/user/alice/jobs", v1Job("doc_v1"), alice);
    expectReply(r, 202, { message: "update job doc_v1 successfully" });
    expectReply(await call("POST", "/api/v1/user/alice/jobs", v1Job("doc_v1_vc", "novc"), alice), 400, {
      code: "NoVirtualClusterError",
      message: "Virtual cluster novc is not found.",
    });
    expectReply(await call("POST", "/api/v1/user/alice/jobs", v1Job("doc_v1"), alice), 409, {
      code: "ConflictJobError",
      message: "Job name alice~doc_v1 already exists.",
    });
  });

  it("GET /api/v1/jobs, /api/v1/user/:username/jobs and /:jobName: lists and the documented detail", async () => {
    const all = (await call("GET", "/api/v1/jobs?username=alice", undefined, null)).body as unknown as {
      name: string;
    }[];
    assert.ok(all.some((j) => j.name === "doc_v1"));
    const mine = (await call("GET", "/api/v1/user/alice/jobs", undefined, null)).body as unknown as {
      name: string;
    }[];
    assert.ok(mine.some((j) => j.name === "doc_v1"));
    const d = await call("GET", "/api/v1/user/alice/jobs/doc_v1", undefined, null);
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.name, "doc_v1");
    const s = d.body.jobStatus as Record<string, unknown>;
    for (const key of [
      "username",
      "virtualCluster",
      "state",
      "subState",
      "createdTime",
      "completedTime",
      "executionType",
      "retries",
      "retryDetails",
      "appId",
      "appProgress",
      "appTrackingUrl",
      "appLaunchedTime",
      "appCompletedTime",
      "appExitCode",
      "appExitSpec",
      "appExitTriggerMessage",
      "appExitTriggerTaskRoleName",
      "appExitTriggerTaskIndex",
      "appExitDiagnostics",
      "appExitMessages",
      "appExitType",
    ])
      assert.ok(key in s, `jobStatus.${key}`);
    assert.deepEqual(Object.keys(s.retryDetails as object).sort(), ["platform", "resource", "user"]);
    const role = (
      d.body.taskRoles as Record<string, { taskRoleStatus: { name: string }; taskStatuses: unknown[] }>
    ).main;
    assert.deepEqual(role?.taskRoleStatus, { name: "main" });
    const task = role?.taskStatuses[0] as Record<string, unknown>;
    for (const key of [
      "taskIndex",
      "taskState",
      "containerId",
      "containerIp",
      "containerPorts",
      "containerGpus",
      "containerLog",
    ])
      assert.ok(key in task, `taskStatuses[0].${key}`);
    expectReply(await call("GET", "/api/v1/user/alice/jobs/nope", undefined, null), 404, {
      code: "NoJobError",
      message: "Job alice~nope is not found.",
    });
  });

  it("GET /api/v1/user/:username/jobs/:jobName/config and /ssh", async () => {
    const cfg = await call("GET", "/api/v1/user/alice/jobs/doc_v1/config", undefined, null);
    assert.equal(cfg.status, 200, cfg.text);
    assert.equal(cfg.body.jobName, "doc_v1");
    expectReply(await call("GET", "/api/v1/user/alice/jobs/doc_v1/ssh", undefined, null), 404, {
      code: "NoJobSshInfoError",
      message: "SSH info of job doc_v1 is not found.",
    });
    expectReply(await call("GET", "/api/v1/user/alice/jobs/nope/ssh", undefined, null), 404, {
      code: "NoJobError",
    });
    expectReply(await call("GET", "/api/v1/jobs/nope/ssh", undefined, null), 404, { code: "NoJobError" });
    expectReply(await call("GET", "/api/v2/jobs/alice~nope/ssh", undefined, alice), 404, {
      code: "NoJobError",
      message: "Job alice~nope is not found.",
    });
    expectReply(await call("GET", "/api/v2/jobs/alice~doc_v1/ssh", undefined, alice), 404, {
      code: "NoJobSshInfoError",
    });
  });

  it("GET /api/v2/jobs/:frameworkName/config answers a v1 job's config in v2 (text/yaml)", async () => {
    const r = await call("GET", "/api/v2/jobs/alice~doc_v1/config", undefined, alice);
    assert.equal(r.status, 200, r.text);
    assert.match(r.type, /yaml/);
    const v2 = parseYaml(r.text) as Record<string, unknown>;
    assert.equal(v2.protocolVersion, 2);
    assert.equal(v2.name, "doc_v1");
    assert.equal(v2.type, "job");
    assert.deepEqual(v2.parameters, { WHO: "pai" });
    assert.deepEqual(v2.defaults, { virtualCluster: "default" });
    const prereq = (v2.prerequisites as { type: string; uri: string; name: string }[])[0];
    assert.equal(prereq?.type, "dockerimage");
    assert.equal(prereq?.uri, "corral-test/busybox:1");
    const main = (v2.taskRoles as Record<string, Record<string, unknown>>).main;
    assert.deepEqual(main?.resourcePerInstance, { cpu: 1, memoryMB: 256, gpu: 0 });
    assert.deepEqual(main?.commands, ["sleep 60"]);
    assert.equal(main?.dockerImage, prereq?.name);
    assert.equal(main?.instances, 1);
    // The converted config is a valid v2 job: it submits as one.
    const again = { ...v2, name: "doc_v1_as_v2" };
    const sub = await call("POST", "/api/v2/jobs", JSON.stringify(again), alice, "application/json");
    assert.equal(sub.status, 202, sub.text);
    expectReply(await call("GET", "/api/v2/jobs/alice~nope/config", undefined, alice), 404, {
      code: "NoJobError",
    });
  });

  it("PUT /api/v1/user/:username/jobs/:jobName/executionType: 200 {message}, 404 unknown", async () => {
    expectReply(
      await call("PUT", "/api/v1/user/alice/jobs/doc_v1/executionType", { value: "STOP" }, alice),
      200,
      { message: "execute job doc_v1 successfully" },
    );
    const d = await call("GET", "/api/v1/user/alice/jobs/doc_v1", undefined, null);
    assert.equal((d.body.jobStatus as { executionType: string }).executionType, "STOP");
    expectReply(
      await call("PUT", "/api/v1/user/alice/jobs/nope/executionType", { value: "STOP" }, alice),
      404,
      {
        code: "NoJobError",
        message: "Job alice~nope is not found.",
      },
    );
  });

  it("POST /api/v2/jobs (text/yaml): 202 {message}, 400 unknown VC, 403 VC not allowed, 409 duplicate", async () => {
    expectReply(await call("POST", "/api/v2/jobs", v2Job("doc_v2"), alice, "text/yaml"), 202, {
      message: "update job doc_v2 successfully",
    });
    expectReply(await call("POST", "/api/v2/jobs", v2Job("doc_v2_vc", "novc"), alice, "text/yaml"), 400, {
      code: "NoVirtualClusterError",
      message: "Virtual cluster novc is not found.",
    });
    expectReply(await call("POST", "/api/v2/jobs", v2Job("doc_v2"), alice, "text/yaml"), 409, {
      code: "ConflictJobError",
      message: "Job name alice~doc_v2 already exists.",
    });
    expectReply(await call("PUT", "/api/v1/virtual-clusters/doc_vc", { vcCapacity: 10 }), 201, {
      message: "Update vc: doc_vc to capacity: 10 successfully.",
    });
    expectReply(
      await call("POST", "/api/v2/jobs", v2Job("doc_v2_forbidden", "doc_vc"), alice, "text/yaml"),
      403,
      {
        code: "ForbiddenUserError",
        message: "User alice is not allowed to add job to doc_vc",
      },
    );
    await call("PUT", "/api/v2/jobs/alice~doc_v2/executionType", { value: "STOP" }, alice);
    await call("PUT", "/api/v2/jobs/alice~doc_v1_as_v2/executionType", { value: "STOP" }, alice);
  });

  it("GET /api/v1/virtual-clusters and /:vcName: the documented fields, nodeList of real nodes, 404", async () => {
    const list = await call("GET", "/api/v1/virtual-clusters", undefined, null);
    assert.equal(list.status, 200);
    assert.ok("default" in list.body && "doc_vc" in list.body);
    const vc = await call("GET", "/api/v1/virtual-clusters/default", undefined, null);
    assert.equal(vc.status, 200, vc.text);
    for (const key of [
      "capacity",
      "maxCapacity",
      "usedCapacity",
      "numActiveJobs",
      "numJobs",
      "numPendingJobs",
      "resourcesUsed",
      "resourcesTotal",
      "dedicated",
      "nodeList",
      "status",
    ])
      assert.ok(key in vc.body, key);
    for (const r of [vc.body.resourcesUsed, vc.body.resourcesTotal])
      for (const key of ["memory", "vCores", "GPUs"])
        assert.equal(typeof (r as Record<string, unknown>)[key], "number");
    assert.deepEqual(vc.body.nodeList, ["doc-node-1"]);
    assert.equal(vc.body.status, "RUNNING");
    expectReply(await call("GET", "/api/v1/virtual-clusters/nope", undefined, null), 404, {
      code: "NoVirtualClusterError",
      message: "Virtual cluster nope is not found.",
    });
  });

  it("PUT /api/v1/virtual-clusters/:vcName, /status and DELETE: messages and the default VC refusals", async () => {
    expectReply(
      await call("PUT", "/api/v1/virtual-clusters/doc_vc", { vcCapacity: 20, vcMaxCapacity: 50 }),
      201,
      {
        message: "Update vc: doc_vc to capacity: 20 successfully.",
      },
    );
    expectReply(await call("PUT", "/api/v1/virtual-clusters/doc_vc", { vcCapacity: 20 }, alice), 403, {
      code: "ForbiddenUserError",
      message: "Non-admin is not allow to do this operation.",
    });
    expectReply(await call("PUT", "/api/v1/virtual-clusters/default", { vcCapacity: 20 }), 403, {
      code: "ForbiddenUserError",
      message: "Don't allow to update default vc",
    });
    expectReply(await call("PUT", "/api/v1/virtual-clusters/doc_vc/status", { vcStatus: "stopped" }), 201, {
      message: "Update vc: doc_vc to status: stopped successfully.",
    });
    assert.equal(
      (await call("GET", "/api/v1/virtual-clusters/doc_vc", undefined, null)).body.status,
      "STOPPED",
    );
    expectReply(await call("PUT", "/api/v1/virtual-clusters/default/status", { vcStatus: "stopped" }), 403, {
      code: "ForbiddenUserError",
      message: "Don't allow to update default vc",
    });
    expectReply(await call("PUT", "/api/v1/virtual-clusters/nope/status", { vcStatus: "running" }), 404, {
      code: "NoVirtualClusterError",
    });
    expectReply(await call("DELETE", "/api/v1/virtual-clusters/default"), 403, {
      code: "ForbiddenUserError",
      message: "Don't allow to remove default vc.",
    });
    expectReply(await call("DELETE", "/api/v1/virtual-clusters/doc_vc"), 201, {
      message: "Remove vc: doc_vc successfully.",
    });
    expectReply(await call("DELETE", "/api/v1/virtual-clusters/doc_vc"), 404, {
      code: "NoVirtualClusterError",
    });
  });

  it("refuses application tokens and non-admin tokens on user and group writes (the SDK suite's cases)", async () => {
    const app = await call("POST", "/api/v2/tokens/application", undefined);
    assert.equal(app.status, 200, app.text);
    const appToken = app.body.token as string;
    const writes: [string, string, unknown][] = [
      ["POST", "/api/v2/users", { username: "sdk_test_user", password: "test_password" }],
      ["PUT", "/api/v2/users", { data: { username: "alice", email: "new_email@test.com" }, patch: true }],
      ["DELETE", "/api/v2/users/alice", undefined],
      ["PUT", "/api/v2/users/alice/group", { groupname: "default" }],
      ["DELETE", "/api/v2/users/alice/group", { groupname: "default" }],
      ["PUT", "/api/v2/users/alice/grouplist", { grouplist: ["default"] }],
      ["POST", "/api/v2/groups", { groupname: "sdktestgroup" }],
      ["POST", "/api/v2/group/default/description", { description: "x" }],
    ];
    for (const [method, url, body] of writes) {
      expectReply(await call(method, url, body, appToken), 403, {
        code: "ForbiddenUserError",
        message: "Applications are not allowed to do this operation.",
      });
      expectReply(await call(method, url, body, alice), 403, {
        code: "ForbiddenUserError",
        message: "Non-admin is not allow to do this operation.",
      });
    }
    assert.equal((await call("GET", "/api/v2/users/alice")).status, 200);
  });

  it("DELETE /api/v2/authn/basic/logout revokes the token sent; an invalid one is 401", async () => {
    const token = await login("alice", "alice-pass");
    expectReply(await call("DELETE", "/api/v2/authn/basic/logout", undefined, token), 200, {
      message: "Logout successfully",
    });
    expectReply(await call("GET", "/api/v2/tokens", undefined, token), 401, {
      code: "UnauthorizedUserError",
      message: "Your token is invalid.",
    });
    expectReply(await call("DELETE", "/api/v2/authn/basic/logout", undefined, token), 401, {
      code: "UnauthorizedUserError",
      message: "Your token is invalid.",
    });
  });
});
