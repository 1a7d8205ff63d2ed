import assert from "node:assert/strict";
import { createCore } from "../../../../hub/core/index";
import { ConflictError, NotFoundError, ValidationError } from "../../../../hub/core/errors";
import type { Store } from "../../../../hub/core/repositories";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock, OPTIONS, gpus, hardware, newCore, readyNode, role, type Harness } from "./harness";

describe("core workloads and placement", () => {
  let h: Harness;

  beforeEach(() => {
    h = newCore();
  });

  afterEach(() => h.store.close());

  it("submit stores the workload and one pending task per role instance", () => {
    const { workload, tasks } = h.core.workloads.submit({
      name: "train",
      owner: "alice",
      roles: [role({ name: "ps", instances: 1 }), role({ name: "worker", instances: 2 })],
    });
    assert.equal(workload.state, "pending");
    assert.deepEqual(
      h.core.workloads.tasks(workload.id).map((t) => [t.role, t.index, t.attempt, t.state, t.reason]),
      [
        ["ps", 0, 1, "pending", "waiting for the scheduler"],
        ["worker", 0, 1, "pending", "waiting for the scheduler"],
        ["worker", 1, 1, "pending", "waiting for the scheduler"],
      ],
    );
    assert.equal(tasks.length, 3);
    assert.deepEqual(h.core.workloads.find(workload.id), workload);
    assert.deepEqual(
      h.core.workloads.events(workload.id).map((e) => e.reason),
      ["Submitted"],
    );
  });

  it("submit refuses bad input and writes nothing", () => {
    assert.throws(() => h.core.workloads.submit({ name: "x", owner: "a", roles: [] }), ValidationError);
    assert.throws(
      () =>
        h.core.workloads.submit({ name: "x", owner: "a", roles: [role({ name: "r" }), role({ name: "r" })] }),
      ValidationError,
    );
    assert.throws(
      () => h.core.workloads.submit({ name: "x", owner: "a", roles: [role()], cluster: "nowhere" }),
      NotFoundError,
    );
    h.core.workloads.submit({ name: "x", owner: "a", roles: [role()], uniqueName: true });
    assert.throws(
      () => h.core.workloads.submit({ name: "x", owner: "a", roles: [role()], uniqueName: true }),
      ConflictError,
    );
    assert.equal(h.core.workloads.list().length, 1);
    assert.equal(h.store.tasks.byStates(["pending"]).length, 1);
  });

  it("submit is atomic: a failing task insert leaves no workload, task or event behind", () => {
    const real = openSqliteStore(":memory:");
    let inserts = 0;
    const store: Store = {
      ...real,
      tasks: {
        ...real.tasks,
        insert: (t) => {
          if (++inserts === 2) throw new Error("disk full");
          real.tasks.insert(t);
        },
      },
    };
    const core = createCore(store, new FakeClock(), OPTIONS);
    try {
      assert.throws(
        () => core.workloads.submit({ name: "x", owner: "a", roles: [role({ instances: 3 })] }),
        /disk full/,
      );
      assert.deepEqual(real.workloads.list({}), []);
      assert.deepEqual(real.tasks.byStates(["pending"]), []);
      assert.equal((real.db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number }).n, 0);
    } finally {
      real.close();
    }
  });

  it("resolve finds a workload by id or by an unambiguous prefix of 4+ characters", () => {
    const { workload } = h.core.workloads.submit({ name: "x", owner: "a", roles: [role()] });
    assert.equal(h.core.workloads.resolve(workload.id).id, workload.id);
    assert.equal(h.core.workloads.resolve(workload.id.slice(0, 8).toUpperCase()).id, workload.id);
    assert.throws(() => h.core.workloads.resolve(workload.id.slice(0, 3)), NotFoundError);
    assert.throws(() => h.core.workloads.resolve("ffffffff-none"), NotFoundError);
  });

  it("runOnce assigns pending tasks to a ready node and tells that node", () => {
    const node = readyNode(h.core, "n1");
    const changed: string[] = [];
    h.core.signals.desiredChanged.on((id) => changed.push(id));
    const { workload } = h.core.workloads.submit({ name: "x", owner: "a", roles: [role({ instances: 2 })] });
    assert.equal(h.core.placement.runOnce(), 2);
    for (const t of h.core.workloads.tasks(workload.id)) {
      assert.equal(t.state, "assigned");
      assert.equal(t.nodeId, node.id);
      assert.equal(t.reason, null);
    }
    assert.deepEqual(changed, [node.id]);
    assert.deepEqual(
      h.core.workloads.events(workload.id).map((e) => e.reason),
      ["Submitted", "Scheduled", "Scheduled"],
    );
    assert.equal(h.core.placement.runOnce(), 0, "nothing pending is left");
  });

  it("a task with nowhere to go stays pending with the scheduler's reason", () => {
    const { node } = h.core.nodes.join("default", "n1");
    const { workload } = h.core.workloads.submit({ name: "x", owner: "a", roles: [role()] });
    assert.equal(h.core.placement.runOnce(), 0);
    assert.equal(h.core.workloads.tasks(workload.id)[0]?.reason, "none of 1 matching node is ready");
    readyNode(h.core, "n1");
    h.core.nodes.setSchedulable(h.core.nodes.byId(node.id), false);
    h.core.placement.runOnce();
    assert.equal(
      h.core.workloads.tasks(workload.id)[0]?.reason,
      "every ready node of 1 matching node is cordoned",
    );
  });

  it("nodes get GPUs and MIG slices by UUID, and a held GPU is not given again", () => {
    const mig = [
      { ...gpus(1, "GPU-P")[0]!, migEnabled: true },
      { ...gpus(1, "MIG-a")[0]!, parentUuid: "GPU-P0", migProfile: "1g.10gb", migIndex: 0 },
      { ...gpus(1, "MIG-b")[0]!, parentUuid: "GPU-P0", migProfile: "1g.10gb", migIndex: 1 },
    ];
    const node = readyNode(h.core, "n1", { hw: hardware({ gpus: mig }) });
    const first = h.core.workloads.submit({
      name: "a",
      owner: "a",
      roles: [role({ resources: { cpuMilli: 0, memoryMiB: 0, gpu: 1 } })],
    });
    h.core.placement.runOnce();
    const second = h.core.workloads.submit({
      name: "b",
      owner: "a",
      roles: [role({ resources: { cpuMilli: 0, memoryMiB: 0, gpu: 1 } })],
    });
    const third = h.core.workloads.submit({
      name: "c",
      owner: "a",
      roles: [role({ resources: { cpuMilli: 0, memoryMiB: 0, gpu: 1 } })],
    });
    assert.equal(h.core.placement.runOnce(), 1);
    const got = [first, second].map((s) => h.core.workloads.tasks(s.workload.id)[0]?.gpuUuids);
    assert.deepEqual(got, [["MIG-a0"], ["MIG-b0"]], "the MIG parent itself is never handed out");
    const waiting = h.core.workloads.tasks(third.workload.id)[0];
    assert.equal(waiting?.state, "pending");
    assert.equal(waiting?.reason, "insufficient gpu (1) on 1 ready matching node");
    assert.equal(node.status, "ready");
  });

  it("placement counts what placed tasks already hold on CPU and memory", () => {
    readyNode(h.core, "n1", { hw: hardware({ cores: 2, memoryMiB: 4096 }) });
    const big = role({ resources: { cpuMilli: 1500, memoryMiB: 1024, gpu: 0 } });
    h.core.workloads.submit({ name: "a", owner: "a", roles: [big] });
    assert.equal(h.core.placement.runOnce(), 1);
    const { workload } = h.core.workloads.submit({ name: "b", owner: "a", roles: [big] });
    assert.equal(h.core.placement.runOnce(), 0);
    assert.equal(
      h.core.workloads.tasks(workload.id)[0]?.reason,
      "insufficient cpu (1500m) on 1 ready matching node",
    );
  });

  it("a gang workload is placed whole or stays pending whole", () => {
    readyNode(h.core, "n1", { hw: hardware({ gpus: gpus(2) }) });
    const { workload } = h.core.workloads.submit({
      name: "g",
      owner: "a",
      gang: true,
      roles: [role({ instances: 3, resources: { cpuMilli: 0, memoryMiB: 0, gpu: 1 } })],
    });
    assert.equal(h.core.placement.runOnce(), 0);
    for (const t of h.core.workloads.tasks(workload.id)) {
      assert.equal(t.state, "pending");
      assert.match(t.reason ?? "", /^gang of 3 tasks cannot be placed together: /);
    }
  });
});
