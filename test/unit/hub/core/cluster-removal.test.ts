import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ClusterInUseError } from "../../../../hub/core/clusters";
import { ValidationError } from "../../../../hub/core/errors";
import { newCore, type Harness } from "./harness";

describe("core cluster removal and cluster-sized node pools", () => {
  let h: Harness;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-cluster-removal-"));
    h = newCore(dir);
  });
  afterEach(() => {
    h.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a node pool's sizing in the store, across a reopened store", () => {
    const c = h.core.clusters.create("pool-a");
    const p = h.core.nodePools.create("pool-a-np", ["os.modelarts.node/nodepool=pool-a-np"]);
    h.core.nodePools.size(p, { clusterId: c.id, flavorId: "corral.cpu.8u32g", count: 2, maxCount: 4 });
    h.store.close();
    h = newCore(dir);
    const again = h.core.nodePools.ofCluster(c.id);
    assert.deepEqual(
      again.map((x) => [x.name, x.flavorId, x.count, x.maxCount]),
      [["pool-a-np", "corral.cpu.8u32g", 2, 4]],
    );
    // A pool made without sizing shows none (no extra fields on other faces' pools).
    assert.equal(h.core.nodePools.defaultPool().clusterId, undefined);
  });

  it("refuses a sizing with maxCount below count, or on the default pool", () => {
    const c = h.core.clusters.create("pool-b");
    const p = h.core.nodePools.create("pool-b-np", ["x=y"]);
    assert.throws(
      () => h.core.nodePools.size(p, { clusterId: c.id, flavorId: null, count: 3, maxCount: 2 }),
      (e: unknown) => e instanceof ValidationError && e.field === "maxCount",
    );
    assert.throws(
      () =>
        h.core.nodePools.size(h.core.nodePools.defaultPool(), {
          clusterId: c.id,
          flavorId: null,
          count: 1,
          maxCount: 1,
        }),
      ValidationError,
    );
  });

  it("removes a cluster with its node pools and records; refuses while a quota unit is bound to it", () => {
    const c = h.core.clusters.create("pool-c");
    const p = h.core.nodePools.create("pool-c-np", ["x=c"]);
    h.core.nodePools.size(p, { clusterId: c.id, flavorId: null, count: 1, maxCount: 1 });
    h.core.clusterRecords.put(c.id, "modelarts/tag", "team", { value: "vision" });
    const unit = h.core.quotaUnits.create({ name: "bound", kind: "project", clusterId: c.id });
    assert.throws(
      () => h.core.clusters.remove(c.name),
      (e: unknown) => e instanceof ClusterInUseError && e.reason === "quota unit",
    );
    h.core.quotaUnits.remove(unit);
    h.core.clusters.remove(c.name);
    assert.equal(h.core.clusters.find(c.name), undefined);
    assert.equal(h.core.nodePools.find("pool-c-np"), undefined);
    assert.deepEqual(h.core.clusterRecords.list(c.id, "modelarts/tag"), []);
  });
});
