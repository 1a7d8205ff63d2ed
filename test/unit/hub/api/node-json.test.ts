import assert from "node:assert/strict";
import { NodeJsonCache, sameFields } from "../../../../hub/api/native/node-json";
import type { Node } from "../../../../hub/core/model";

/** A node with every field of Node set (Required: a field added to Node must be added here). */
const full = (): Required<Node> => ({
  id: "n1",
  name: "node-1",
  clusterId: "c1",
  labels: ["gpu"],
  status: "ready",
  schedulable: true,
  agentVersion: "0.1.0",
  address: "10.0.0.1",
  hardware: null,
  runtime: { name: "docker", available: true, version: "27", error: null },
  credentialHash: "h",
  lastSeenAt: 1,
  statusChangedAt: 2,
  createdAt: 3,
  metrics: null,
  allowedLabels: null,
  hardwareChangedAt: null,
  taints: [],
  removedAt: null,
});

const idle = () => ({ cpuMilli: 0, memoryMiB: 0, gpu: 0 });

describe("api: node JSON cache (node-json.ts)", () => {
  it("sameFields sees a change of each field of Node, one at a time", () => {
    const a = full();
    assert.equal(sameFields(a, { ...a }), true);
    for (const key of Object.keys(a) as (keyof Node)[]) {
      const changed = { ...a, [key]: { other: key } } as unknown as Node;
      assert.equal(sameFields(a, changed), false, `a change of ${key} is missed`);
    }
  });

  it("serves the same text and tag while nothing changed, a new text and tag when a field changes in place", () => {
    const cache = new NodeJsonCache();
    const node: Node = full();
    const first = cache.get(node, "default", 0, idle);
    assert.equal(cache.get(node, "default", 0, idle), first);
    node.lastSeenAt = 99; // liveness writes in place
    const second = cache.get(node, "default", 0, idle);
    assert.notEqual(second.tag, first.tag);
    assert.equal((JSON.parse(second.json) as { lastSeenAt: string }).lastSeenAt, new Date(99).toISOString());
  });

  it("makes the text again when the cluster's name or the allocation version changes", () => {
    const cache = new NodeJsonCache();
    const node = full();
    const first = cache.get(node, "default", 0, idle);
    const renamed = cache.get(node, "east", 0, idle);
    assert.notEqual(renamed.tag, first.tag);
    assert.equal((JSON.parse(renamed.json) as { cluster: string }).cluster, "east");
    const busy = cache.get(node, "east", 1, () => ({ cpuMilli: 500, memoryMiB: 1024, gpu: 1 }));
    assert.notEqual(busy.tag, renamed.tag);
    assert.deepEqual((JSON.parse(busy.json) as { allocated: unknown }).allocated, {
      cpuMilli: 500,
      memoryMiB: 1024,
      gpu: 1,
    });
  });
});
