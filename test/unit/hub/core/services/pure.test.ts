/** Pure parts of replicated services: replica targets, the HPA rule, rollout steps, failure policy. */
import assert from "node:assert/strict";
import {
  failureReason,
  RestartTracker,
  DEFAULT_FAILURE_POLICY,
} from "../../../../../hub/core/services/health";
import { hpaReplicas } from "../../../../../hub/core/services/hpa";
import { rolloutStep } from "../../../../../hub/core/services/rollout";
import { desiredPerNode } from "../../../../../hub/core/services/targets";
import type { Cluster, Node } from "../../../../../hub/core/model";

const cluster = (id: string, labels: string[] = []): Cluster => ({ id, name: id, labels, createdAt: 0 });
const node = (name: string, clusterId: string, over: Partial<Node> = {}): Node => ({
  id: `id-${name}`,
  name,
  clusterId,
  labels: [],
  status: "ready",
  schedulable: true,
  agentVersion: "test",
  address: "",
  hardware: null,
  runtime: { available: true } as Node["runtime"],
  credentialHash: "",
  lastSeenAt: null,
  statusChangedAt: 0,
  createdAt: 0,
  metrics: null,
  ...over,
});
const plain = (m: Map<string, number>) => Object.fromEntries([...m].sort());

describe("replicated services (pure)", () => {
  describe("desiredPerNode", () => {
    const clusters = [cluster("gz", ["south"]), cluster("bj", ["north"])];
    const nodes = [
      node("c", "gz", { labels: ["cam"] }),
      node("a", "gz", { labels: ["cam"] }),
      node("b", "gz"),
      node("x", "bj", { labels: ["cam"] }),
      node("down", "gz", { labels: ["cam"], status: "notready" }),
      node("cordoned", "gz", { labels: ["cam"], schedulable: false }),
      node("noengine", "gz", { labels: ["cam"], runtime: null }),
    ];
    const spec = { placement: "spread" as const, replicas: 4, clusterLabel: null, nodeLabel: null };

    it("spreads replicas per selected cluster, the remainder to the first nodes by name", () => {
      assert.deepEqual(plain(desiredPerNode(spec, clusters, nodes)), {
        "id-a": 2,
        "id-b": 1,
        "id-c": 1,
        "id-x": 4,
      });
      assert.deepEqual(
        plain(desiredPerNode({ ...spec, replicas: 1, clusterLabel: "south" }, clusters, nodes)),
        {
          "id-a": 1,
        },
      );
    });

    it("never targets notready, cordoned or engine-less nodes, nor unlabelled ones", () => {
      assert.deepEqual(plain(desiredPerNode({ ...spec, nodeLabel: "cam" }, clusters, nodes)), {
        "id-a": 2,
        "id-c": 2,
        "id-x": 4,
      });
      assert.equal(desiredPerNode({ ...spec, nodeLabel: "none" }, clusters, nodes).size, 0);
    });

    it("wants one per-node replica on every eligible matching node", () => {
      assert.deepEqual(
        plain(
          desiredPerNode(
            { ...spec, placement: "per-node", nodeLabel: "cam", clusterLabel: "south" },
            clusters,
            nodes,
          ),
        ),
        { "id-a": 1, "id-c": 1 },
      );
    });
  });

  describe("hpaReplicas", () => {
    const base = {
      current: 2,
      cpuPercent: 80,
      memoryPercent: 10,
      cpuTarget: 80,
      memoryTarget: 80,
      min: 1,
      max: 5,
    };

    it("changes nothing within the 10 % tolerance", () => {
      assert.equal(hpaReplicas({ ...base, cpuPercent: 87 }), null);
      assert.equal(hpaReplicas({ ...base, cpuPercent: 73 }), null);
    });

    it("scales by ceil(current * ratio), the larger of CPU and memory", () => {
      assert.equal(hpaReplicas({ ...base, cpuPercent: 120 }), 3);
      assert.equal(hpaReplicas({ ...base, cpuPercent: 10, memoryPercent: 160 }), 4);
      assert.equal(hpaReplicas({ ...base, current: 4, cpuPercent: 30 }), 2);
    });

    it("clamps to [min, max]", () => {
      assert.equal(hpaReplicas({ ...base, cpuPercent: 800 }), 5);
      assert.equal(hpaReplicas({ ...base, min: 2, cpuPercent: 1 }), 2);
    });
  });

  describe("rolloutStep", () => {
    const r = (ready: boolean, id: string) => ({ ready, id });
    const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

    it("maxSurge 0 / maxUnavailable 1: stops one ready old replica, starts nothing", () => {
      const step = rolloutStep({
        total: 3,
        maxSurge: 0,
        maxUnavailable: 1,
        deficits: ["n1", "n2", "n3"],
        current: [],
        old: [r(true, "o1"), r(true, "o2"), r(true, "o3")],
        stopping: 0,
      });
      assert.deepEqual(step.start, []);
      assert.deepEqual(ids(step.stop), ["o1"]);
    });

    it("counts replicas still stopping against the surge", () => {
      const input = {
        total: 3,
        maxSurge: 0,
        maxUnavailable: 1,
        deficits: ["n1"],
        current: [r(true, "a"), r(true, "b")],
        old: [],
      };
      assert.deepEqual(rolloutStep({ ...input, stopping: 1 }).start, []);
      assert.deepEqual(rolloutStep({ ...input, stopping: 0 }).start, ["n1"]);
    });

    it("maxSurge 1 / maxUnavailable 0: surges one, retires only while availability allows", () => {
      const step = rolloutStep({
        total: 2,
        maxSurge: 1,
        maxUnavailable: 0,
        deficits: ["n2"],
        current: [r(true, "new")],
        old: [r(true, "o1"), r(false, "o2")],
        stopping: 0,
      });
      assert.deepEqual(step.start, []); // 3 live already
      // The unready old replica goes at once; o1 stays: stopping it would leave 1 < 2 available.
      assert.deepEqual(ids(step.stop), ["o2"]);
    });

    it("without old or stopping replicas, starts every deficit", () => {
      const step = rolloutStep({
        total: 3,
        maxSurge: 0,
        maxUnavailable: 1,
        deficits: ["n1", "n1", "n2"],
        current: [],
        old: [],
        stopping: 0,
      });
      assert.deepEqual(step.start, ["n1", "n1", "n2"]);
      assert.deepEqual(step.stop, []);
    });
  });

  describe("failure policy", () => {
    const policy = { ...DEFAULT_FAILURE_POLICY, crashLoopWindowMs: 1000, noTargetTimeoutMs: 500 };

    it("counts restarts seen after the first sighting, within the window only", () => {
      const t = new RestartTracker();
      t.observe("t", 5, 0, 1000); // first sight: old history is not blamed
      assert.equal(t.restarts("t", 0, 1000), 0);
      t.observe("t", 7, 100, 1000);
      t.observe("t", 8, 200, 1000);
      assert.equal(t.restarts("t", 200, 1000), 3);
      assert.equal(t.restarts("t", 1150, 1000), 1);
      t.retain(new Set());
      assert.equal(t.restarts("t", 200, 1000), 0);
    });

    it("names crash loops first, then a target missing past the timeout", () => {
      assert.match(
        failureReason({ crashLooping: 2, noTargetSince: 0, now: 10_000 }, policy) ?? "",
        /^2 replica/,
      );
      assert.equal(failureReason({ crashLooping: 0, noTargetSince: 0, now: 499 }, policy), null);
      assert.match(
        failureReason({ crashLooping: 0, noTargetSince: 0, now: 500 }, policy) ?? "",
        /no ready node/,
      );
      assert.equal(failureReason({ crashLooping: 0, noTargetSince: null, now: 500 }, policy), null);
    });
  });
});
