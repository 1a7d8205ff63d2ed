import assert from "node:assert/strict";
import type { Store } from "../../../../hub/core/repositories";
import type { Db } from "../../../../hub/store/database";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { workload } from "./fixtures";

describe("store: an owner's live role instances (the per-user task limit, issue 15)", () => {
  let store: Store & { db: Db };
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(() => store.close());

  const role = (name: string, instances: number) => ({ ...workload("x").roles[0]!, name, instances });

  it("sums every role's instances of the owner's pending, running and stopping workloads only", () => {
    assert.equal(store.workloads.liveInstancesOf("alice"), 0);
    store.workloads.insert(workload("w1", { roles: [role("a", 2), role("b", 3)] }));
    store.workloads.insert(workload("w2", { state: "running", roles: [role("a", 4)] }));
    store.workloads.insert(workload("w3", { state: "stopping", roles: [role("a", 1)] }));
    for (const state of ["succeeded", "failed", "stopped"] as const)
      store.workloads.insert(workload(`done-${state}`, { state, roles: [role("a", 100)] }));
    store.workloads.insert(workload("bob1", { owner: "bob", roles: [role("a", 7)] }));
    assert.equal(store.workloads.liveInstancesOf("alice"), 10);
    assert.equal(store.workloads.liveInstancesOf("bob"), 7);
    store.workloads.update({ ...store.workloads.byId("w2")!, state: "succeeded" });
    assert.equal(store.workloads.liveInstancesOf("alice"), 6);
  });
});
