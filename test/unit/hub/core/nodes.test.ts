import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from "../../../../hub/core/errors";
import type { NodeMetrics } from "../../../../hub/core/model";
import { hardware, newCore, readyNode, type Harness } from "./harness";

const hello = (labels: string[] = []) => ({
  agentVersion: "0.2.0",
  address: "10.1.1.1",
  labels,
  hardware: hardware({ cores: 4 }),
  runtime: { name: "docker", available: true, error: null, version: "24.0" },
});

const sample = (sampledAt: number): NodeMetrics => ({
  cpuPercent: 1,
  memoryUsedMiB: 2,
  load1: 0,
  gpus: [],
  sampledAt,
});

describe("core nodes", () => {
  let h: Harness;

  beforeEach(() => {
    h = newCore();
  });

  afterEach(() => h.store.close());

  const stored = (id: string) => h.store.nodes.list().find((n) => n.id === id);

  it("join creates the node once; a re-join with the same cluster and name keeps its id", () => {
    const first = h.core.nodes.join("lab", "gpu-01");
    assert.equal(first.node.status, "notready");
    assert.equal(h.core.clusters.get("lab").id, first.node.clusterId, "the cluster is created on first join");
    const again = h.core.nodes.join("lab", "gpu-01", { proof: first.credential });
    assert.equal(again.node.id, first.node.id);
    assert.equal(h.store.nodes.list().length, 1);
    const elsewhere = h.core.nodes.join("edge", "gpu-01");
    assert.notEqual(elsewhere.node.id, first.node.id, "the same name in another cluster is another node");
    assert.equal(h.store.nodes.list().length, 2);
    assert.throws(() => h.core.nodes.join("lab", "bad name"), ValidationError);
    assert.throws(() => h.core.nodes.join("bad cluster", "ok"), ValidationError);
  });

  it("list() and listAfter() keep name-then-cluster order as nodes join in any order, across a restart", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-nodes-"));
    const names = (ns: { name: string; clusterId: string }[], clusters: Map<string, string>) =>
      ns.map((n) => `${n.name}@${clusters.get(n.clusterId)}`);
    try {
      const first = newCore(dir);
      for (const [c, n] of [
        ["lab", "m"],
        ["lab", "c"],
        ["edge", "x"],
        ["lab", "x"],
        ["edge", "a"],
      ] as const)
        first.core.nodes.join(c, n);
      first.store.close();

      const second = newCore(dir, first.clock);
      try {
        // Joins after the stored nodes loaded land between them, not at the end.
        for (const [c, n] of [
          ["lab", "b"],
          ["edge", "n"],
          ["lab", "z"],
          ["edge", "c"],
        ] as const)
          second.core.nodes.join(c, n);
        const clusters = new Map(second.core.clusters.list().map((c) => [c.id, c.name]));
        const expected = [...second.core.nodes.list()].sort(
          (a, b) => a.name.localeCompare(b.name) || a.clusterId.localeCompare(b.clusterId),
        );
        assert.deepEqual(names(second.core.nodes.list(), clusters), names(expected, clusters));
        assert.equal(expected.length, 9);
        const walked: { name: string; clusterId: string }[] = [];
        let after: { name: string; clusterId: string } | null = null;
        for (;;) {
          const page = second.core.nodes.listAfter(after, 2);
          walked.push(...page.items);
          if (!page.more) break;
          after = page.items.at(-1) ?? null;
        }
        assert.deepEqual(names(walked, clusters), names(expected, clusters));
      } finally {
        second.store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a re-join after the hub restarts on the same file keeps the id and adds no row", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-nodes-"));
    try {
      const first = newCore(dir);
      const joined = first.core.nodes.join("lab", "gpu-01");
      const id = joined.node.id;
      first.core.nodes.setStatus(id, "ready");
      first.core.nodes.flush();
      first.store.close();

      const second = newCore(dir, first.clock);
      try {
        assert.equal(
          second.core.nodes.byId(id).status,
          "notready",
          "nobody is connected to a hub that just started",
        );
        const again = second.core.nodes.join("lab", "gpu-01", { proof: joined.credential });
        assert.equal(again.node.id, id);
        assert.equal(second.store.nodes.list().length, 1);
        assert.equal(second.core.clusters.list().length, 1);
        assert.equal(second.core.nodes.authenticate(again.credential).id, id);
      } finally {
        second.store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a re-join rotates the credential: the old one is refused, the new one authenticates", () => {
    const first = h.core.nodes.join("lab", "n1");
    assert.equal(h.core.nodes.authenticate(first.credential).id, first.node.id);
    const second = h.core.nodes.join("lab", "n1", { proof: first.credential });
    assert.notEqual(second.credential, first.credential);
    assert.throws(() => h.core.nodes.authenticate(first.credential), UnauthenticatedError);
    assert.equal(h.core.nodes.authenticate(second.credential).id, first.node.id);
    for (const bad of ["", "nodot", `${first.node.id}.`, `ghost.${second.credential.split(".")[1] ?? ""}`]) {
      assert.throws(() => h.core.nodes.authenticate(bad), UnauthenticatedError, bad);
    }
    assert.ok(!JSON.stringify(stored(first.node.id)).includes(second.credential.split(".")[1] ?? "?"));
  });

  it("hello records the agent's report and adds its labels to the node's own", () => {
    const { node } = h.core.nodes.join("lab", "n1");
    h.core.nodes.addLabel(node, "manual");
    h.clock.advance(1000);
    const after = h.core.nodes.hello(node.id, hello(["gpu", "zone=a", "manual"]));
    assert.deepEqual(after.labels, ["manual", "gpu", "zone=a"]);
    assert.equal(after.agentVersion, "0.2.0");
    assert.equal(after.lastSeenAt, h.clock.now());
    assert.deepEqual(stored(node.id)?.labels, ["manual", "gpu", "zone=a"]);
    assert.equal(stored(node.id)?.hardware?.cpu.cores, 4);
    assert.throws(() => h.core.nodes.hello(node.id, hello(["bad label"])), ValidationError);
    assert.throws(() => h.core.nodes.hello("ghost", hello()), NotFoundError);
  });

  it("a Hello after a hub restart that repeats the stored report writes only its last-seen time, at flush", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-nodes-"));
    try {
      const first = newCore(dir);
      const { node } = first.core.nodes.join("lab", "gpu-01");
      first.core.nodes.hello(node.id, hello(["gpu"]));
      first.core.nodes.flush();
      first.store.close();

      const second = newCore(dir, first.clock);
      try {
        const rowWrites: string[] = [];
        const update = second.store.nodes.update.bind(second.store.nodes);
        second.store.nodes.update = (n) => {
          rowWrites.push(n.address);
          update(n);
        };
        second.clock.advance(60_000);
        const seenAt = second.clock.now();
        const again = second.core.nodes.hello(node.id, hello(["gpu"]));
        assert.equal(again.lastSeenAt, seenAt);
        assert.deepEqual(rowWrites, [], "the row already holds this report");
        second.core.nodes.flush();
        const row = second.store.nodes.list()[0];
        assert.equal(row?.lastSeenAt, seenAt, "the flush stored the Hello's time");
        assert.deepEqual(row?.labels, ["gpu"]);

        second.core.nodes.hello(node.id, { ...hello(["gpu"]), address: "10.1.1.2" });
        assert.deepEqual(rowWrites, ["10.1.1.2"], "a changed report is written at once");
        assert.equal(second.store.nodes.list()[0]?.address, "10.1.1.2");
      } finally {
        second.store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("liveness changes reach the store only on flush(), in one batch", () => {
    const { node } = h.core.nodes.join("lab", "n1");
    const { node: other } = h.core.nodes.join("lab", "n2");
    const reasons: string[] = [];
    h.core.signals.schedulingNeeded.on((r) => reasons.push(r));
    h.clock.advance(500);
    h.core.nodes.setStatus(node.id, "ready");
    h.core.nodes.touch(other.id);
    assert.equal(h.core.nodes.byId(node.id).status, "ready");
    assert.equal(stored(node.id)?.status, "notready", "not written yet");
    assert.equal(stored(other.id)?.lastSeenAt, null);
    assert.deepEqual(reasons, [`node ${node.id} ready`]);
    assert.equal(h.core.nodes.flush(), 2);
    assert.equal(stored(node.id)?.status, "ready");
    assert.equal(stored(node.id)?.statusChangedAt, h.clock.now());
    assert.equal(stored(other.id)?.lastSeenAt, h.clock.now());
    assert.equal(h.core.nodes.flush(), 0, "nothing left to write");
    h.core.nodes.setStatus(node.id, "ready");
    assert.equal(h.core.nodes.flush(), 0, "no change, no write");
  });

  it("a beating node writes its last-seen time once per metricsSampleMs; a transition at once (issue 15)", () => {
    const ready = readyNode(h.core, "n1", { cluster: "lab" });
    h.core.nodes.flush();
    const spacing = 10_000; // harness OPTIONS.metricsSampleMs
    for (let i = 0; i < 9; i++) {
      h.clock.advance(1_000);
      h.core.nodes.touch(ready.id);
      assert.equal(h.core.nodes.flush(), 0, `beat ${i}: nothing changed but the time`);
    }
    assert.equal(h.core.nodes.byId(ready.id).lastSeenAt, h.clock.now(), "memory is current");
    h.clock.advance(spacing - 9_000);
    h.core.nodes.touch(ready.id);
    assert.equal(h.core.nodes.flush(), 1, "one sampled last-seen write");
    assert.equal(stored(ready.id)?.lastSeenAt, h.clock.now());
    h.clock.advance(1_000);
    h.core.nodes.touch(ready.id);
    h.core.nodes.setStatus(ready.id, "notready");
    assert.equal(h.core.nodes.flush(), 1, "the transition is written with the latest last-seen time");
    assert.deepEqual([stored(ready.id)?.status, stored(ready.id)?.lastSeenAt], ["notready", h.clock.now()]);
  });

  it("join and get find nodes by (cluster, name) among many, as before", () => {
    for (let i = 0; i < 200; i++) h.core.nodes.join(i % 2 === 0 ? "lab" : "edge", `n${i >> 1}`);
    const lab = h.core.nodes.get("n7", "lab");
    const edge = h.core.nodes.get("n7", "edge");
    assert.notEqual(lab.id, edge.id);
    assert.throws(() => h.core.nodes.get("n7"), ConflictError);
    assert.throws(() => h.core.nodes.get("n100"), NotFoundError);
    assert.equal(h.store.nodes.list().length, 200);
    assert.throws(
      () => h.core.nodes.join("lab", "n7"),
      ConflictError,
      "an existing node is found, not re-made",
    );
  });

  it("stores one metric sample per metricsSampleMs and keeps the latest in memory", () => {
    const { node } = h.core.nodes.join("lab", "n1");
    const t = h.clock.now();
    h.core.nodes.recordMetrics(node.id, sample(t));
    assert.equal(stored(node.id)?.metrics, null);
    h.core.nodes.flush();
    assert.equal(stored(node.id)?.metrics?.sampledAt, t);
    h.core.nodes.recordMetrics(node.id, sample(t + 9_999));
    assert.equal(h.core.nodes.flush(), 0);
    assert.equal(stored(node.id)?.metrics?.sampledAt, t);
    assert.equal(h.core.nodes.byId(node.id).metrics?.sampledAt, t + 9_999);
    h.core.nodes.recordMetrics(node.id, sample(t + 10_000));
    assert.equal(h.core.nodes.flush(), 1);
    assert.equal(stored(node.id)?.metrics?.sampledAt, t + 10_000);
  });

  it("markDownNodes turns nodes notready for downAfterMs into down, and only those", () => {
    const { node } = h.core.nodes.join("lab", "n1");
    const ready = readyNode(h.core, "n2", { cluster: "lab" });
    h.clock.advance(59_999);
    h.core.nodes.markDownNodes();
    assert.equal(h.core.nodes.byId(node.id).status, "notready");
    h.clock.advance(1);
    h.core.nodes.markDownNodes();
    assert.equal(h.core.nodes.byId(node.id).status, "down");
    assert.equal(h.core.nodes.byId(ready.id).status, "ready");
    h.core.nodes.flush();
    assert.equal(stored(node.id)?.status, "down");
  });

  it("get() finds by id or by name; the same name in two clusters needs the cluster", () => {
    const a = h.core.nodes.join("lab", "gpu-01").node;
    const b = h.core.nodes.join("edge", "gpu-01").node;
    const solo = h.core.nodes.join("lab", "cpu-01").node;
    assert.equal(h.core.nodes.get(a.id).id, a.id);
    assert.equal(h.core.nodes.get("cpu-01").id, solo.id);
    assert.throws(() => h.core.nodes.get("gpu-01"), ConflictError);
    assert.equal(h.core.nodes.get("gpu-01", "lab").id, a.id);
    assert.equal(h.core.nodes.get("gpu-01", "edge").id, b.id);
    assert.throws(() => h.core.nodes.get("cpu-01", "edge"), NotFoundError);
    assert.throws(() => h.core.nodes.get("gpu-01", "nowhere"), NotFoundError);
    assert.throws(() => h.core.nodes.get("ghost"), NotFoundError);
  });

  it("labels: `zone=a` is accepted; whitespace, commas and empty labels are refused", () => {
    let node = h.core.nodes.join("lab", "n1").node;
    node = h.core.nodes.addLabel(node, "zone=a");
    node = h.core.nodes.addLabel(node, "zone=a");
    assert.deepEqual(node.labels, ["zone=a"], "added once");
    for (const bad of ["has space", "a,b", "", "tab\there", "x".repeat(254)]) {
      assert.throws(() => h.core.nodes.addLabel(node, bad), ValidationError, JSON.stringify(bad));
    }
    assert.deepEqual(stored(node.id)?.labels, ["zone=a"]);
    node = h.core.nodes.removeLabel(node, "zone=a");
    assert.deepEqual(stored(node.id)?.labels, []);
    assert.throws(() => h.core.nodes.removeLabel(node, "zone=a"), NotFoundError);
  });

  it("cordon and uncordon are written at once; uncordon asks for scheduling", () => {
    let node = h.core.nodes.join("lab", "n1").node;
    const reasons: string[] = [];
    h.core.signals.schedulingNeeded.on((r) => reasons.push(r));
    node = h.core.nodes.setSchedulable(node, false);
    assert.equal(stored(node.id)?.schedulable, false);
    reasons.length = 0;
    h.core.nodes.setSchedulable(node, true);
    assert.equal(stored(node.id)?.schedulable, true);
    assert.ok(reasons.includes(`node ${node.id} uncordoned`));
  });
});
