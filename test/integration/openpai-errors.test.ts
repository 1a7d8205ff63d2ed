/**
 * Every error code of docs/compat/openpai.md §2, each reached once through the REST
 * surface, with the status the rest-server answers and its `{code, message}` body.
 */
import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { NO_QUOTA } from "../../hub/core/quota-units";
import { startTestHub, type TestHub } from "../helpers/test-hub";

interface PaiBody {
  code: string;
  message: string;
}

const YAML_JOB = (name: string, vc = "default") => `protocolVersion: 2
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

describe("integration: OpenPAI error codes", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let userToken: string;
  let appToken: string;

  const call = async (
    method: string,
    url: string,
    body?: unknown,
    token: string | null = hub.adminToken,
    type = "application/json",
  ) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = type;
    const res = await fetch(`${hub.hub.httpUrl}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text.startsWith("{") ? JSON.parse(text) : {}) as PaiBody };
  };
  const expectError = async (
    p: Promise<{ status: number; body: PaiBody }>,
    status: number,
    code: string,
    message?: RegExp,
  ) => {
    const res = await p;
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.code, code);
    assert.equal(typeof res.body.message, "string");
    if (message) assert.match(res.body.message, message);
  };

  before(async () => {
    hub = await startTestHub();
    assert.equal(
      (await call("POST", "/api/v2/users", { username: "bob", password: "bob-pass", email: "" })).status,
      201,
    );
    userToken = (
      (await call("POST", "/api/v1/token", { username: "bob", password: "bob-pass" }, null))
        .body as unknown as { token: string }
    ).token;
    appToken = (
      (await call("POST", "/api/v2/tokens/application", {}, userToken)).body as unknown as { token: string }
    ).token;
  });
  after(() => hub.close());

  it("UnauthorizedUserError: no token, a foreign signature, a revoked token", async () => {
    await expectError(
      call("GET", "/api/v2/users", undefined, null),
      401,
      "UnauthorizedUserError",
      /Guest is not allowed/,
    );
    const forged = jwt.sign({ username: "bob" }, "pai-secret");
    await expectError(
      call("GET", "/api/v2/users", undefined, forged),
      401,
      "UnauthorizedUserError",
      /Your token is invalid/,
    );
    const t = (
      (await call("POST", "/api/v2/authn/basic/login", { username: "bob", password: "bob-pass" }, null))
        .body as unknown as { token: string }
    ).token;
    assert.equal((await call("DELETE", "/api/v2/authn/basic/logout", undefined, t)).status, 200);
    await expectError(call("GET", "/api/v2/users", undefined, t), 401, "UnauthorizedUserError");
  });

  it("ForbiddenUserError: non-admin writes and application tokens", async () => {
    await expectError(
      call("POST", "/api/v2/users", { username: "eve", password: "eve-pass" }, userToken),
      403,
      "ForbiddenUserError",
      /Non-admin/,
    );
    await expectError(
      call("POST", "/api/v2/tokens/application", {}, appToken),
      403,
      "ForbiddenUserError",
      /Applications are not allowed/,
    );
  });

  it("RemoveAdminError, NoUserError (400 on GET, 404 on updates), ConflictUserError", async () => {
    await expectError(call("DELETE", "/api/v2/users/admin"), 403, "RemoveAdminError");
    await expectError(call("GET", "/api/v2/users/nobody"), 400, "NoUserError");
    await expectError(
      call("PUT", "/api/v2/user/nobody/password", { newPassword: "long-enough" }),
      404,
      "NoUserError",
    );
    await expectError(
      call("POST", "/api/v2/users", { username: "bob", password: "bob-pass" }),
      409,
      "ConflictUserError",
    );
  });

  it("IncorrectPasswordError and InvalidParametersError at login", async () => {
    await expectError(
      call("POST", "/api/v2/tokens", { username: "bob", password: "wrong-one" }, null),
      400,
      "IncorrectPasswordError",
      /Password is incorrect/,
    );
    await expectError(
      call("POST", "/api/v2/tokens", { username: "bob", password: "bob-pass", expiration: 10 }, null),
      400,
      "InvalidParametersError",
      /expiration/,
    );
  });

  it("NoGroupError (400 on GET), NoVirtualClusterError (400 on user update, 404 on GET)", async () => {
    await expectError(
      call("PUT", "/api/v2/group/non_exist/extension/acls/virtualClusters", { data: [] }),
      400,
      "NoGroupError",
      /non_exist is not found/,
    );
    await expectError(
      call("PUT", "/api/v2/user/bob/virtualcluster", { virtualCluster: ["nope"] }),
      400,
      "NoVirtualClusterError",
    );
    await expectError(call("GET", "/api/v2/virtual-clusters/nope"), 404, "NoVirtualClusterError");
  });

  it("InvalidProtocolError (schema and unparsable YAML), ConflictJobError, NoStorageError", async () => {
    await expectError(
      call("POST", "/api/v2/jobs", "protocolVersion: 2\nname: x\ntype: job\n", hub.adminToken, "text/yaml"),
      400,
      "InvalidProtocolError",
      /taskRoles/,
    );
    await expectError(
      call("POST", "/api/v2/jobs", "name: [unclosed", hub.adminToken, "text/yaml"),
      400,
      "InvalidProtocolError",
      /YAML/,
    );
    assert.equal(
      (await call("POST", "/api/v2/jobs", YAML_JOB("dup"), hub.adminToken, "text/yaml")).status,
      202,
    );
    await expectError(
      call("POST", "/api/v2/jobs", YAML_JOB("dup"), hub.adminToken, "text/yaml"),
      409,
      "ConflictJobError",
      /admin~dup already exists/,
    );
    const withStorage = `${YAML_JOB("stor")}extras: {storages: [{name: nfs}]}\n`;
    await expectError(
      call("POST", "/api/v2/jobs", withStorage, hub.adminToken, "text/yaml"),
      404,
      "NoStorageError",
    );
    await expectError(
      call("POST", "/api/v1/jobs", {
        jobName: "v1bad",
        image: "x",
        taskRoles: [{ name: "a", command: "true", minFailedTaskCount: 2 }],
      }),
      400,
      "InvalidParametersError",
      /minFailedTaskCount/,
    );
  });

  it("NoJobError, NoJobConfigError, NoJobSshInfoError, NoTagError, NoTaskLogError", async () => {
    await expectError(call("GET", "/api/v2/jobs/admin~missing"), 404, "NoJobError");
    const native = await call("POST", "/api/corral/v1/workloads", {
      name: "native",
      image: "busybox",
      command: ["true"],
    });
    assert.equal(native.status, 201);
    await expectError(call("GET", "/api/v2/jobs/admin~native/config"), 404, "NoJobConfigError");
    await expectError(call("GET", "/api/v2/jobs/admin~dup/ssh"), 404, "NoJobSshInfoError");
    await expectError(call("DELETE", "/api/v2/jobs/admin~dup/tag", { value: "none" }), 404, "NoTagError");
    await expectError(
      call("GET", "/api/v2/jobs/admin~dup/attempts/0/taskRoles/main/taskIndex/0/attempts/0/logs"),
      404,
      "NoTaskLogError",
    );
  });

  it("VC errors: NoEnoughQuotaError, ReadOnlyVcError, RemoveRunningVcError, ConflictVcError, NotImplementedError", async () => {
    assert.equal((await call("PUT", "/api/v1/virtual-clusters/vc1", { vcCapacity: 70 })).status, 201);
    await expectError(
      call("PUT", "/api/v1/virtual-clusters/vc2", { vcCapacity: 40 }),
      403,
      "NoEnoughQuotaError",
    );
    await expectError(
      call("PUT", "/api/v1/virtual-clusters/vc2", { vcCapacity: 40, vcMaxCapacity: 30 }),
      400,
      "InvalidParametersError",
    );
    await expectError(
      call("PUT", "/api/v1/virtual-clusters/aaa%20bbb", { vcCapacity: 1 }, null),
      400,
      "InvalidParametersError",
    );
    await expectError(
      call("PUT", "/api/v1/virtual-clusters/default", { vcCapacity: 1 }, null),
      403,
      "ForbiddenUserError",
    );
    const core = hub.hub.core;
    const pool = core.nodePools.create("gpu-pool", ["gpu=yes"]);
    core.quotaUnits.create({
      name: "dedicated",
      kind: "virtual-cluster",
      allocations: [
        {
          nodePoolId: pool.id,
          gpu: { deserved: 1, limit: 1, overQuotaWeight: 1 },
          cpuMilli: NO_QUOTA,
          memoryMiB: NO_QUOTA,
        },
      ],
    });
    await expectError(
      call("PUT", "/api/v1/virtual-clusters/dedicated", { vcCapacity: 1 }),
      403,
      "ReadOnlyVcError",
    );
    assert.equal(
      (await call("POST", "/api/v2/jobs", YAML_JOB("in_vc1", "vc1"), hub.adminToken, "text/yaml")).status,
      202,
    );
    await expectError(call("DELETE", "/api/v1/virtual-clusters/vc1"), 403, "RemoveRunningVcError");
    assert.equal((await call("POST", "/api/v2/groups", { groupname: "team_x" })).status, 201);
    await expectError(
      call("PUT", "/api/v1/virtual-clusters/team_x", { vcCapacity: 1 }),
      409,
      "ConflictVcError",
    );
    await expectError(
      call("PUT", "/api/v2/virtual-clusters/vc1", { vcCapacity: 1 }),
      400,
      "NotImplementedError",
    );
    // A user without the VC may not submit to it.
    await expectError(
      call("POST", "/api/v2/jobs", YAML_JOB("no_access", "vc1"), userToken, "text/yaml"),
      403,
      "ForbiddenUserError",
      /not allowed/,
    );
  });

  it("UnknownError (500, naming the request id, no stack) for an unexpected failure", async () => {
    const workloads = hub.hub.core.workloads;
    const list = workloads.list.bind(workloads);
    const listIds = workloads.listIds.bind(workloads);
    workloads.list = () => {
      throw new Error("disk on fire at /var/lib/secret-path");
    };
    // The default page reads the list's ids (cached items), the other orders the whole list.
    workloads.listIds = () => {
      throw new Error("disk on fire at /var/lib/secret-path");
    };
    try {
      const res = call("GET", "/api/v2/jobs");
      await expectError(res, 500, "UnknownError", /request /);
      assert.ok(!JSON.stringify((await res).body).includes("secret-path"), "no internals leak");
    } finally {
      workloads.list = list;
      workloads.listIds = listIds;
    }
  });

  it("InvalidParametersError from validate() on query and body, before the handler runs", async () => {
    await expectError(
      call("GET", "/api/v2/jobs?offset=-1"),
      400,
      "InvalidParametersError",
      /^offset: must be a non-negative integer$/,
    );
    await expectError(
      call("GET", "/api/v2/jobs?limit=50001"),
      400,
      "InvalidParametersError",
      /^limit: must be at most/,
    );
    await expectError(
      call("PUT", "/api/v2/users/admin/email", { email: 7 }),
      400,
      "InvalidParametersError",
      /^email: /,
    );
    // A text body is read as {}: the missing field is named.
    await expectError(
      call("PUT", "/api/v2/groups/default/description", "plain", hub.adminToken, "text/plain"),
      400,
      "InvalidParametersError",
      /^description: /,
    );
    // v1 executionType checks its body before the token, as the rest-server does.
    await expectError(
      call("PUT", "/api/v1/user/admin/jobs/x/executionType", { value: "PAUSE" }, null),
      400,
      "InvalidParametersError",
      /^value: /,
    );
  });

  it("NoApiError for unknown paths", async () => {
    await expectError(
      call("GET", "/api/v2/no/such/thing"),
      404,
      "NoApiError",
      /API \/api\/v2\/no\/such\/thing is not found/,
    );
    await expectError(call("GET", "/api", undefined, null), 404, "NoApiError");
    await expectError(call("GET", "/api/v2/authn/oidc/login", undefined, null), 404, "NoApiError");
  });
});
