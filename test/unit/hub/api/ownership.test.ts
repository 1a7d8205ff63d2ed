import assert from "node:assert/strict";
import { testLogger } from "../../../helpers/logger";
import { loadHubConfig } from "../../../../hub/config";
import { claimsPath, PROJECT_ID, projectTree, route, routeTable, tree } from "../../../../hub/api/ownership";
import type { Surface } from "../../../../hub/api/surface";
import { SURFACES } from "../../../../hub/api/surfaces";
import { nativeErrors } from "../../../../hub/api/native/errors";
import { newCore } from "../core/harness";

const fake = (name: string, owns: Surface["owns"]): Surface => ({
  name,
  owns,
  routes: async () => undefined,
  errors: nativeErrors,
  hooks: {},
});

describe("api: path ownership", () => {
  it("claims a tree by its leading segments, an exact route only itself", () => {
    assert.ok(claimsPath(tree("/v1/k8s"), "/v1/k8s"));
    assert.ok(claimsPath(tree("/v1/k8s"), "/v1/k8s/clusters/c1/projects"));
    assert.ok(!claimsPath(tree("/v1/k8s"), "/v1/k8sx"), "whole segments only");
    assert.ok(!claimsPath(tree("/v1/k8s"), "/v1"));
    const token = route("POST", "/api/v1/token", () => true);
    assert.ok(claimsPath(token, "/api/v1/token"));
    assert.ok(!claimsPath(token, "/api/v1/token/"));
    assert.ok(!claimsPath(token, "/api/v1/token/application"));
  });

  it("claims /v1/{project_id} by a project-id-shaped segment", () => {
    const id = "0123456789abcdef0123456789abcdef";
    assert.ok(PROJECT_ID.test(id));
    assert.ok(claimsPath(projectTree("v1"), `/v1/${id}/notebooks`));
    assert.ok(!claimsPath(projectTree("v1"), "/v1/business/list"));
    assert.ok(!claimsPath(projectTree("v1"), `/v2/${id}/notebooks`));
  });

  it("tries the deepest claim first, a narrower one first at equal depth, then registration order", () => {
    const ote = fake("ote", [tree("/v1")]);
    const runai = fake("runai", [tree("/v1/k8s"), route("POST", "/api/v1/token", () => true)]);
    const pai = fake("pai", [tree("/api"), tree("/api/v1/token")]);
    const modelarts = fake("modelarts", [projectTree("v1")]);
    const order = routeTable([ote, pai, runai, modelarts]).map(
      (e) => `${e.surface.name} /${e.claim.segments.map(String).join("/")}`,
    );
    assert.deepEqual(order, [
      "runai /api/v1/token",
      "pai /api/v1/token",
      "runai /v1/k8s",
      `modelarts /v1/${String(PROJECT_ID)}`,
      "ote /v1",
      "pai /api",
    ]);
  });

  it("builds every registered surface without touching the core: hooks are wired by startHub", () => {
    const { core } = newCore();
    const config = loadHubConfig({ CORRAL_DATA_DIR: "/nonexistent" });
    const users = JSON.stringify(core.users.list());
    const groups = core.groups.list().length;
    const refuse = (what: string) => () => assert.fail(`${what} called while building a surface`);
    core.desired.addEnvDecorator = refuse("desired.addEnvDecorator");
    core.desired.addPullSecretResolver = refuse("desired.addPullSecretResolver");
    core.workloads.setLogSource = refuse("workloads.setLogSource");
    const built = SURFACES.map((make) => make({ core, config, logger: testLogger() }));
    assert.deepEqual(
      built.map((s) => s.name),
      ["native", "runai", "openpai", "otestack", "modelarts"],
    );
    assert.equal(JSON.stringify(core.users.list()), users, "no bootstrap ran");
    assert.equal(core.groups.list().length, groups, "no bootstrap ran");
    const openpai = built.find((s) => s.name === "openpai") as Surface;
    assert.equal(openpai.hooks.envDecorators?.length, 1);
    assert.ok(openpai.hooks.bootstrap && openpai.hooks.onClusterChange);
    const ote = built.find((s) => s.name === "otestack") as Surface;
    assert.ok(ote.hooks.bootstrap);
    // External repositories are core registry credentials: core resolves their pull secrets.
    assert.equal(ote.hooks.pullSecretResolvers, undefined);
  });
});
