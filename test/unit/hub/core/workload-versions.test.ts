import assert from "node:assert/strict";
import { trackWorkloadVersions, WorkloadVersions } from "../../../../hub/core/workload-versions";
import { newCore, readyNode, report, role, type Harness } from "./harness";

/**
 * core.workloadVersions: every write of a workload's row or of one of its tasks, through any core
 * service, moves that workload's version (and no other's); a rolled-back transaction moves all.
 */
describe("core: workload versions move with every workload and task write", () => {
  let h: Harness;

  beforeEach(() => {
    h = newCore();
    readyNode(h.core, "n1");
  });
  afterEach(() => h.store.close());

  const submit = (name: string) =>
    h.core.workloads.submit({ name, owner: "alice", roles: [role()] }).workload;
  const v = (id: string) => h.core.workloadVersions.versionOf(id);

  it("submit, placement, a report and stop each move the workload's version, not another's", () => {
    const a = submit("a");
    const b = submit("b");
    const seen = [v(a.id)];
    const bAt = v(b.id);
    const moved = (why: string) => {
      const now = v(a.id);
      assert.ok(!seen.includes(now), `${why}: the version moved to a new value`);
      seen.push(now);
    };
    h.core.placement.runOnce();
    moved("placement");
    const bPlaced = v(b.id);
    assert.notEqual(bPlaced, bAt, "b was placed too");
    const task = h.core.workloads.tasks(a.id)[0]!;
    h.core.lifecycle.applyReport(task.nodeId as string, report(task.id, { state: "running" }));
    moved("running report");
    assert.equal(v(b.id), bPlaced, "a's report leaves b's version");
    h.core.workloads.stop(h.core.workloads.find(a.id)!);
    moved("stop");
    assert.equal(v(b.id), bPlaced);
  });

  it("a transaction that throws gives every workload a new version, written or not", () => {
    const a = submit("a");
    const b = submit("b");
    const versions = new WorkloadVersions();
    const store = trackWorkloadVersions(h.store, versions);
    const before = [versions.versionOf(a.id), versions.versionOf(b.id)];
    assert.throws(() =>
      store.transaction(() => {
        store.workloads.update({ ...a, name: "renamed" });
        throw new Error("rolled back");
      }),
    );
    assert.equal(h.store.workloads.byId(a.id)?.name, "a", "rolled back");
    const after = [versions.versionOf(a.id), versions.versionOf(b.id)];
    assert.ok(
      after.every((x) => !before.includes(x)),
      `${before} -> ${after}`,
    );
  });
});
