import assert from "node:assert/strict";
import { projectTree } from "../../hub/api/ownership";
import type { SurfaceFactory } from "../../hub/api/surface";
import { modelartsSurface } from "../../hub/api/modelarts";
import { SURFACES } from "../../hub/api/surfaces";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

type Body = Record<string, unknown>;

/** A request whose body is sent as it is (malformed JSON), as the admin. */
async function raw(hub: TestHub, method: string, path: string, text: string) {
  const res = await fetch(`${hub.hub.httpUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${hub.adminToken}` },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Body };
}

/**
 * Which surface answers each shared path, told by the answer's shape: OpenPAI `{code: "NoApiError"}`,
 * Run:ai `{code: 404}` / a malformed body `{code: 400}`, OTE-stack a malformed body `{code: 422,
 * field: "body"}`, native `{code: "not_found"}`, nobody `{message: "no API at ..."}`.
 */
describe("integration: which surface answers a shared path", () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(() => hub.close());

  it("POST /api/v1/token: Run:ai with a grantType, OpenPAI's login without; other methods are OpenPAI's", async () => {
    const grant = await hub.api<Body>("POST", "/api/v1/token", { grantType: "password", ...ADMIN }, null);
    assert.equal(grant.status, 200, grant.text);
    assert.ok(grant.body.accessToken && grant.body.refreshToken, "Run:ai's token answer");
    const login = await hub.api<Body>("POST", "/api/v1/token", ADMIN, null);
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.user, ADMIN.username, "OpenPAI's login answer");
    assert.ok(login.body.token && login.body.accessToken === undefined);

    const runaiInvalid = await hub.api<Body>("POST", "/api/v1/token", { grantType: "password" }, null);
    assert.equal(runaiInvalid.status, 400);
    assert.equal(runaiInvalid.body.code, 400, "Run:ai's error shape");
    const paiUnknown = await hub.api<Body>(
      "POST",
      "/api/v1/token",
      { username: "nobody", password: "x" },
      null,
    );
    assert.equal(paiUnknown.status, 400);
    assert.equal(paiUnknown.body.code, "NoUserError", "OpenPAI's error shape");
    const malformed = await raw(hub, "POST", "/api/v1/token", "{not json");
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 400, "a body that cannot be read is Run:ai's to refuse");
    const list = await hub.api<Body>("GET", "/api/v1/token", undefined, null);
    assert.equal(list.status, 401);
    assert.equal(list.body.code, "UnauthorizedUserError", "GET /api/v1/token is OpenPAI's");
  });

  it("/api/v1/org-unit is Run:ai's; every other /api/v1 and /api/v2 path is OpenPAI's", async () => {
    const projects = await hub.api("GET", "/api/v1/org-unit/projects");
    assert.equal(projects.status, 200, projects.text);
    const runaiUnknown = await hub.api<Body>("GET", "/api/v1/org-unit/no-such-thing");
    assert.equal(runaiUnknown.status, 404);
    assert.equal(runaiUnknown.body.code, 404);
    const runaiMalformed = await raw(hub, "POST", "/api/v1/org-unit/projects", "{not json");
    assert.deepEqual([runaiMalformed.status, runaiMalformed.body.code], [400, 400]);
    for (const path of ["/api/v1/no-such-thing", "/api/v2/no-such-thing", "/api/v1/org-units"]) {
      const pai = await hub.api<Body>("GET", path);
      assert.equal(pai.status, 404, path);
      assert.equal(pai.body.code, "NoApiError", path);
      assert.equal(pai.body.message, `API ${path} is not found.`);
    }
    const paiMalformed = await raw(hub, "POST", "/api/v2/groups", "{not json");
    assert.deepEqual([paiMalformed.status, paiMalformed.body.code], [400, "InvalidParametersError"]);
  });

  it("/v1/k8s is Run:ai's; every other /v1 path is OTE-stack's", async () => {
    await hub.api("POST", "/api/corral/v1/clusters", { name: "default" });
    const clusters = await hub.api<{ items: { id: string }[] }>("GET", "/api/corral/v1/clusters");
    const clusterId = clusters.body.items[0]?.id as string;
    const deprecated = await hub.api("GET", `/v1/k8s/clusters/${clusterId}/projects`);
    assert.equal(deprecated.status, 200, deprecated.text);
    const runaiUnknown = await hub.api<Body>("GET", "/v1/k8s/no-such-thing");
    assert.equal(runaiUnknown.status, 404);
    assert.equal(runaiUnknown.body.code, 404);
    const runaiMalformed = await raw(hub, "POST", "/v1/k8s/no-such-thing", "{not json");
    assert.deepEqual([runaiMalformed.status, runaiMalformed.body.code], [400, 400]);
    assert.equal(runaiMalformed.body.field, undefined, "not OTE-stack's envelope");

    const oteUnknown = await hub.api<Body>("GET", "/v1/no-such-thing");
    assert.equal(oteUnknown.status, 404);
    assert.equal(oteUnknown.body.code, 404);
    for (const path of ["/v1/no-such-thing", "/v1/k8sx", "/v1/not-a-project-id/notebooks"]) {
      const oteMalformed = await raw(hub, "POST", path, "{not json");
      assert.deepEqual(
        [oteMalformed.status, oteMalformed.body.code, oteMalformed.body.field],
        [422, 422, "body"],
        path,
      );
    }
    // A project-id-shaped second segment is ModelArts's, with its error body.
    const maMalformed = await raw(hub, "POST", `/v1/${hub.hub.core.installation.id}/notebooks`, "{not json");
    assert.equal(maMalformed.status, 400);
    assert.equal(typeof maMalformed.body.error_code, "string");
  });

  it("/api/corral is native's; a path no surface claims gets the plain 404", async () => {
    for (const path of ["/api/corral/v1/no-such-thing", "/api/corral/v2/nodes"]) {
      const native = await hub.api<Body>("GET", path);
      assert.equal(native.status, 404, path);
      assert.deepEqual(native.body, { code: "not_found", message: `route "GET ${path}" not found` });
    }
    const nobody = await hub.api<Body>("GET", "/no-such-api");
    assert.equal(nobody.status, 404);
    assert.deepEqual(nobody.body, { code: "not_found", message: "no API at /no-such-api" });
  });

  it("a surface claiming /v1/{project_id} (ModelArts's shape) takes those paths from OTE-stack", async () => {
    // A stand-in for the ModelArts surface, registered last: the claim's depth, not the order, decides.
    const projectScoped: SurfaceFactory = () => ({
      name: "project-scoped",
      owns: [projectTree("v1")],
      routes: async (ctx) => {
        if (ctx.path.endsWith("/fail")) throw new Error("boom");
        ctx.body = { answeredBy: "project-scoped", path: ctx.path };
      },
      errors: {
        core: (err) => ({ error_code: "ModelArts.0001", error_msg: err.message }),
        request: (status, message) => ({
          status,
          body: { error_code: "ModelArts.0002", error_msg: message },
        }),
        internal: (requestId) => ({ error_code: "ModelArts.0003", error_msg: `internal error ${requestId}` }),
      },
      hooks: {},
    });
    const withIt = await startTestHub({}, undefined, {
      // Without the real ModelArts surface, which claims the same shape (and, first in order, would win).
      surfaces: [...SURFACES.filter((s) => s !== modelartsSurface), projectScoped],
    });
    try {
      const id = "0123456789abcdef0123456789abcdef";
      const mine = await withIt.api<Body>("GET", `/v1/${id}/notebooks`);
      assert.deepEqual(
        [mine.status, mine.body],
        [200, { answeredBy: "project-scoped", path: `/v1/${id}/notebooks` }],
      );
      const failed = await withIt.api<Body>("GET", `/v1/${id}/fail`);
      assert.equal(failed.status, 500);
      assert.equal(failed.body.error_code, "ModelArts.0003", "its own error renderer");
      const ote = await withIt.api<Body>("GET", "/v1/no-such-thing");
      assert.deepEqual([ote.status, ote.body.code], [404, 404]);
      const runai = await withIt.api<Body>("GET", "/v1/k8s/no-such-thing");
      assert.deepEqual([runai.status, runai.body.code], [404, 404]);
    } finally {
      await withIt.close();
    }
  });
});
