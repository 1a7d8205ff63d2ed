/** Replicated services' rules in core: revisions, templates, surface ids and status transitions. */
import assert from "node:assert/strict";
import { nextStatus } from "../../../../../hub/core/services/controller";
import type { NewRevision } from "../../../../../hub/core/services/model";
import type { NewTemplate } from "../../../../../hub/core/services/templates";
import { newCore, type Harness } from "../harness";

const revision = (version: string): NewRevision => ({
  version,
  spec: {
    image: `img:${version}`,
    command: [],
    args: [],
    env: {},
    ports: [],
    cpuMilli: 100,
    memoryMiB: 64,
    registryCredentialId: null,
  },
  rollout: { maxSurge: 1, maxUnavailable: 0, minReadySeconds: 0 },
  autoscale: {
    enabled: false,
    minReplicas: 1,
    maxReplicas: 3,
    cpuTargetPercent: 80,
    memoryTargetPercent: 80,
  },
  templateId: null,
});

const template = (version: string, over: Partial<NewTemplate> = {}): NewTemplate => {
  const { templateId: _t, version: _v, ...rest } = revision(version);
  return {
    scope: "s",
    name: "app",
    version,
    placement: "spread",
    replicas: 1,
    description: "",
    owner: "u",
    ...rest,
    ...over,
  };
};

describe("replicated services (core rules)", () => {
  let h: Harness;
  beforeEach(() => {
    h = newCore();
  });
  afterEach(() => h.store.close());

  const create = (name = "web") =>
    h.core.replicatedServices.create({
      scope: "s",
      name,
      owner: "u",
      placement: "spread",
      targets: { clusterLabel: null, nodeLabel: null },
      replicas: 2,
    });

  it("numbers new versions and runs a version it ran before as that same revision", () => {
    const services = h.core.replicatedServices;
    let s = services.rollOut(create(), revision("v1"), "u");
    s = services.rollOut(s, revision("v2"), "u");
    s = services.rollOut(s, revision("v1"), "u");
    assert.deepEqual(
      s.revisions.map((r) => [r.number, r.version]),
      [
        [1, "v1"],
        [2, "v2"],
      ],
    );
    assert.equal(s.current, 1);
    assert.deepEqual(
      s.history.map((x) => [x.cause, x.revision]),
      [
        ["start", 1],
        ["update", 2],
        ["update", 1],
      ],
    );
    assert.throws(() => services.rollOut(s, revision("v1"), "u"), /already runs v1/);
  });

  it("refuses a second live service of one name in a scope, and bad replica counts", () => {
    create();
    assert.throws(() => create(), /already exists in s/);
    assert.throws(
      () => h.core.replicatedServices.scale(h.core.replicatedServices.byName("s", "web"), -1),
      /replicas/,
    );
    h.core.replicatedServices.delete(h.core.replicatedServices.byName("s", "web"));
    assert.equal(create().status, "stopped", "a deleted service's name is free again");
  });

  it("keeps surface records beside the service without touching its state", () => {
    const s = h.core.replicatedServices.rollOut(create(), revision("v1"), "u");
    const annotated = h.core.replicatedServices.annotate(s, "surface", { code: 7 });
    assert.deepEqual(annotated.extension, { surface: { code: 7 } });
    assert.deepEqual(
      [annotated.current, annotated.status, annotated.revisions.length],
      [s.current, s.status, s.revisions.length],
    );
  });

  it("keeps a template name's placement across versions and guards versions in use", () => {
    const templates = h.core.serviceTemplates;
    const v1 = templates.create(template("1"));
    assert.throws(
      () => templates.create(template("2", { placement: "per-node" })),
      (err: { field?: string }) => {
        assert.equal(err.field, "placement");
        return true;
      },
    );
    assert.throws(() => templates.create(template("1")), /already exists/);
    const s = h.core.replicatedServices.rollOut(create(), { ...revision("1"), templateId: v1.id }, "u");
    assert.throws(() => templates.delete(v1), /used by service web/);
    h.core.replicatedServices.delete(s);
    templates.delete(v1);
    assert.equal(templates.find("s", "app", "1"), undefined);
  });

  it("refuses template requests above the limits and host paths a container could not bind", () => {
    const templates = h.core.serviceTemplates;
    const spec = (over: object) => ({ spec: { ...revision("1").spec, ...over } });
    const field = (f: string) => (err: { field?: string }) => {
      assert.equal(err.field, f);
      return true;
    };
    assert.throws(
      () => templates.create(template("1", spec({ requests: { cpuMilli: 200, memoryMiB: 64 } }))),
      field("spec.requests.cpuMilli"),
    );
    assert.throws(
      () => templates.create(template("1", spec({ requests: { cpuMilli: 50, memoryMiB: 65 } }))),
      field("spec.requests.memoryMiB"),
    );
    for (const [hostPath, mountPath, f] of [
      ["srv/data", "/data", "hostPath"],
      ["/srv/../etc", "/data", "hostPath"],
      ["/srv//data", "/data", "hostPath"],
      ["/srv/data", "/", "mountPath"],
    ] as const)
      assert.throws(
        () => templates.create(template("1", spec({ hostPaths: [{ hostPath, mountPath, readOnly: true }] }))),
        field(`spec.hostPaths[0].${f}`),
      );
    const ok = templates.create(
      template(
        "1",
        spec({
          requests: { cpuMilli: 50, memoryMiB: 32 },
          hostPaths: [{ hostPath: "/srv/data", mountPath: "/data", readOnly: false }],
        }),
      ),
    );
    assert.deepEqual(ok.spec.requests, { cpuMilli: 50, memoryMiB: 32 });
  });

  it("hands out stable integers per key, never reusing one", () => {
    const ids = h.core.surfaceIds;
    assert.equal(ids.assign("x/a", "one"), 1);
    assert.equal(ids.assign("x/a", "two"), 2);
    assert.equal(ids.assign("x/a", "one"), 1, "assigning again answers the same integer");
    assert.equal(ids.assign("x/b", "one"), 1, "each key counts on its own");
    assert.equal(ids.objectOf("x/a", 2), "two");
    assert.equal(ids.find("x/a", "three"), undefined);
    assert.equal(ids.objectOf("x/a", 3), undefined);
  });

  it("moves the status in words as passes fail, converge or roll", () => {
    const pass = (failed: boolean, converged: boolean, rolling: boolean) => ({ failed, converged, rolling });
    assert.equal(nextStatus("progressing", pass(false, true, false)), "available");
    assert.equal(nextStatus("progressing", pass(false, false, false)), "progressing");
    assert.equal(nextStatus("available", pass(false, false, false)), "degraded");
    assert.equal(nextStatus("degraded", pass(false, true, false)), "available");
    assert.equal(nextStatus("available", pass(false, false, true)), "progressing");
    assert.equal(nextStatus("available", pass(true, false, false)), "failed");
    assert.equal(nextStatus("failed", pass(false, false, false)), "progressing");
    assert.equal(nextStatus("failed", pass(false, true, false)), "available");
    assert.equal(nextStatus("stopped", pass(true, true, true)), "stopped");
  });
});
