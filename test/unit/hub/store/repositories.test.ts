import assert from "node:assert/strict";
import type { Db } from "../../../../hub/store/database";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import type { Store } from "../../../../hub/core/repositories";
import { cluster, joinToken, metrics, node, task, token, user, workload } from "./fixtures";

describe("store repositories (SQLite, in memory)", () => {
  let store: Store & { db: Db };

  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });

  afterEach(() => store.close());

  it("users: insert, byId, byUsername, update, list by name, delete", () => {
    const u = user("u1");
    store.users.insert(u);
    store.users.insert(user("u0", { username: "aaron", admin: true, extension: {} }));
    assert.deepEqual(store.users.byId("u1"), u);
    assert.deepEqual(store.users.byUsername("user-u1"), u);
    const changed = { ...u, admin: true, email: "", extension: { ote: { status: 2 } }, updatedAt: 2000 };
    store.users.update(changed);
    assert.deepEqual(store.users.byId("u1"), changed);
    assert.deepEqual(
      store.users.list().map((x) => x.username),
      ["aaron", "user-u1"],
    );
    assert.throws(() => store.users.insert(user("u2", { username: "aaron" })), /UNIQUE/);
    store.users.delete("u1");
    assert.equal(store.users.byId("u1"), undefined);
    assert.equal(store.users.byUsername("nobody"), undefined);
  });

  it("tokens: round-trip, revoke once, revokeAllForUser keeps keepId and other kinds", () => {
    store.users.insert(user("u1"));
    store.users.insert(user("u2"));
    const t1 = token("t1", "u1", { createdAt: 1 });
    store.tokens.insert(t1);
    store.tokens.insert(token("t2", "u1", { createdAt: 2, expiresAt: null }));
    store.tokens.insert(token("t3", "u1", { createdAt: 3 }));
    store.tokens.insert(token("app", "u1", { createdAt: 4, kind: "application", expiresAt: null }));
    store.tokens.insert(token("other", "u2", { createdAt: 5 }));
    assert.deepEqual(store.tokens.byId("t1"), t1);
    assert.equal(store.tokens.byId("nope"), undefined);

    store.tokens.revoke("t1", 100);
    store.tokens.revoke("t1", 200);
    assert.equal(store.tokens.byId("t1")?.revokedAt, 100, "a second revoke keeps the first time");

    assert.equal(store.tokens.revokeAllForUser("u1", "login", 300, "t3"), 1, "only t2 was live and not kept");
    const byId = Object.fromEntries(store.tokens.listForUser("u1").map((t) => [t.id, t.revokedAt]));
    assert.deepEqual(byId, { t1: 100, t2: 300, t3: null, app: null });
    assert.equal(store.tokens.byId("other")?.revokedAt, null);
    assert.equal(store.tokens.revokeAllForUser("u1", "login", 400), 1, "without keepId every live one goes");
    assert.equal(store.tokens.byId("t3")?.revokedAt, 400);
    assert.deepEqual(
      store.tokens.listForUser("u1").map((t) => t.id),
      ["t1", "t2", "t3", "app"],
    );
  });

  it("tokens: foreign key to users, cascade on user delete", () => {
    assert.throws(() => store.tokens.insert(token("t", "ghost")), /FOREIGN KEY/);
    store.users.insert(user("u1"));
    store.tokens.insert(token("t", "u1"));
    store.users.delete("u1");
    assert.equal(store.tokens.byId("t"), undefined);
  });

  it("join tokens: insert, byId, update, list in creation order", () => {
    const j = joinToken("j2", { createdAt: 2000 });
    store.joinTokens.insert(j);
    store.joinTokens.insert(joinToken("j1", { createdAt: 1000, cluster: null, expiresAt: null }));
    assert.deepEqual(store.joinTokens.byId("j2"), j);
    const used = { ...j, revokedAt: 3000, lastUsedAt: 2500, description: "gone" };
    store.joinTokens.update(used);
    assert.deepEqual(store.joinTokens.byId("j2"), used);
    assert.deepEqual(
      store.joinTokens.list().map((t) => t.id),
      ["j1", "j2"],
    );
    assert.equal(store.joinTokens.byId("j3"), undefined);
  });

  it("clusters: insert, byId, byName, update labels, list by name, unique name", () => {
    const c = cluster("c1", { name: "zeta" });
    store.clusters.insert(c);
    store.clusters.insert(cluster("c2", { name: "alpha", labels: [] }));
    assert.deepEqual(store.clusters.byId("c1"), c);
    assert.deepEqual(store.clusters.byName("zeta"), c);
    store.clusters.update({ ...c, labels: ["a", "b=c"] });
    assert.deepEqual(store.clusters.byName("zeta")?.labels, ["a", "b=c"]);
    assert.deepEqual(
      store.clusters.list().map((x) => x.name),
      ["alpha", "zeta"],
    );
    assert.throws(() => store.clusters.insert(cluster("c3", { name: "alpha" })), /UNIQUE/);
    assert.equal(store.clusters.byName("nope"), undefined);
  });

  it("nodes: insert, update, list by name; unique per cluster and name", () => {
    store.clusters.insert(cluster("c1"));
    store.clusters.insert(cluster("c2"));
    const n = node("n1", "c1", { name: "b" });
    store.nodes.insert(n);
    store.nodes.insert(node("n2", "c2", { name: "b", hardware: null, runtime: null, lastSeenAt: null }));
    store.nodes.insert(node("n3", "c1", { name: "a", metrics: metrics(1) }));
    assert.deepEqual(
      store.nodes.list().map((x) => x.name),
      ["a", "b", "b"],
      "ordered by name; the same name may exist in two clusters",
    );
    const listed = Object.fromEntries(store.nodes.list().map((x) => [x.id, x]));
    assert.deepEqual(listed.n1, n);
    assert.deepEqual(
      listed.n2,
      node("n2", "c2", { name: "b", hardware: null, runtime: null, lastSeenAt: null }),
    );
    assert.deepEqual(listed.n3?.metrics, metrics(1));
    const changed = {
      ...n,
      labels: [],
      schedulable: false,
      credentialHash: "ef".repeat(32),
      status: "ready" as const,
    };
    store.nodes.update(changed);
    assert.deepEqual(
      store.nodes.list().find((x) => x.id === "n1"),
      changed,
    );
    assert.throws(() => store.nodes.insert(node("n4", "c1", { name: "b" })), /UNIQUE/);
    assert.throws(() => store.nodes.insert(node("n5", "ghost")), /FOREIGN KEY/);
  });

  it("nodes: writeLiveness and writeMetrics write whole batches", () => {
    store.clusters.insert(cluster("c1"));
    store.nodes.insert(node("n1", "c1", { name: "a" }));
    store.nodes.insert(node("n2", "c1", { name: "b" }));
    store.nodes.writeLiveness([
      { id: "n1", status: "ready", statusChangedAt: 5000, lastSeenAt: 5001 },
      { id: "n2", status: "down", statusChangedAt: 6000, lastSeenAt: null },
    ]);
    const [a, b] = store.nodes.list();
    assert.deepEqual([a?.status, a?.statusChangedAt, a?.lastSeenAt], ["ready", 5000, 5001]);
    assert.deepEqual([b?.status, b?.statusChangedAt, b?.lastSeenAt], ["down", 6000, null]);
    assert.equal(a?.credentialHash, "cd".repeat(32), "liveness leaves the rest of the row alone");

    const day = 24 * 3600 * 1000;
    store.nodes.writeMetrics([{ nodeId: "n1", metrics: metrics(1000) }]);
    store.nodes.writeMetrics([
      { nodeId: "n1", metrics: metrics(1000 + day + 1) },
      { nodeId: "n2", metrics: metrics(1000 + day + 2) },
    ]);
    const latest = Object.fromEntries(store.nodes.list().map((x) => [x.id, x.metrics]));
    assert.deepEqual(latest, { n1: metrics(1000 + day + 1), n2: metrics(1000 + day + 2) });
    const history = store.db.prepare("SELECT node_id, at FROM node_metrics ORDER BY at").all();
    assert.deepEqual(
      history,
      [
        { node_id: "n1", at: 1000 + day + 1 },
        { node_id: "n2", at: 1000 + day + 2 },
      ],
      "samples older than 24 h are pruned",
    );
  });

  it("workloads: round-trip, update, byOwnerAndName", () => {
    const w = workload("w1");
    store.workloads.insert(w);
    assert.deepEqual(store.workloads.byId("w1"), w);
    const done = {
      ...w,
      state: "failed" as const,
      ending: "fail" as const,
      finishedAt: 9000,
      updatedAt: 9000,
      meta: {},
    };
    store.workloads.update(done);
    assert.deepEqual(store.workloads.byId("w1"), done);
    assert.deepEqual(store.workloads.byOwnerAndName("alice", "wl-w1"), done);
    assert.equal(store.workloads.byOwnerAndName("bob", "wl-w1"), undefined);
    assert.throws(() => store.workloads.insert(workload("w2", { clusterId: "ghost" })), /FOREIGN KEY/);
  });

  it("workloads: list is newest first and filters by owner, states and limit", () => {
    store.workloads.insert(workload("w1", { createdAt: 1, owner: "alice", state: "running" }));
    store.workloads.insert(workload("w2", { createdAt: 2, owner: "bob", state: "pending" }));
    store.workloads.insert(workload("w3", { createdAt: 3, owner: "alice", state: "succeeded" }));
    const ids = (q: Parameters<Store["workloads"]["list"]>[0]): string[] =>
      store.workloads.list(q).map((w) => w.id);
    assert.deepEqual(ids({}), ["w3", "w2", "w1"]);
    assert.deepEqual(ids({ owner: "alice" }), ["w3", "w1"]);
    assert.deepEqual(ids({ states: ["running", "pending"] }), ["w2", "w1"]);
    assert.deepEqual(ids({ states: [] }), ["w3", "w2", "w1"], "an empty state list filters nothing");
    assert.deepEqual(ids({ owner: "alice", states: ["running"] }), ["w1"]);
    assert.deepEqual(ids({ limit: 2 }), ["w3", "w2"]);
    assert.deepEqual(ids({ owner: "carol" }), []);
  });

  it("workloads: listIds are list()'s ids in its order, for every filter and position", () => {
    store.workloads.insert(workload("w1", { createdAt: 1, owner: "alice", state: "running" }));
    store.workloads.insert(workload("w2", { createdAt: 2, owner: "bob", state: "pending" }));
    store.workloads.insert(workload("w3", { createdAt: 2, owner: "alice", state: "succeeded" }));
    const queries: Parameters<Store["workloads"]["list"]>[0][] = [
      {},
      { owner: "alice" },
      { states: ["pending", "running"] },
      { limit: 2 },
      { after: { createdAt: 2, id: "w3" } },
      { owner: "alice", after: { createdAt: 2, id: "w3" }, limit: 1 },
    ];
    for (const q of queries)
      assert.deepEqual(
        store.workloads.listIds(q),
        store.workloads.list(q).map((w) => w.id),
        JSON.stringify(q),
      );
    assert.deepEqual(store.workloads.listIds({ limit: 2 }), ["w3", "w2"]);
  });

  it("workloads: idsByPrefix matches prefixes only, sorted, up to the limit", () => {
    for (const id of ["abc1", "abc2", "abd0", "ab", "xabc"]) store.workloads.insert(workload(id));
    assert.deepEqual(store.workloads.idsByPrefix("abc", 10), ["abc1", "abc2"]);
    assert.deepEqual(store.workloads.idsByPrefix("ab", 10), ["ab", "abc1", "abc2", "abd0"]);
    assert.deepEqual(store.workloads.idsByPrefix("ab", 2), ["ab", "abc1"]);
    assert.deepEqual(store.workloads.idsByPrefix("zz", 10), []);
  });

  it("tasks: round-trip, update, byWorkload, byStates, byNode", () => {
    store.clusters.insert(cluster("c1"));
    store.nodes.insert(node("n1", "c1"));
    store.workloads.insert(workload("w1"));
    store.workloads.insert(workload("w2"));
    const t = task("t1", "w1", { index: 1, createdAt: 2 });
    store.tasks.insert(t);
    store.tasks.insert(task("t0", "w1", { index: 0, createdAt: 2 }));
    store.tasks.insert(
      task("t2", "w2", { createdAt: 1, state: "running", nodeId: "n1", gpuUuids: ["GPU-1"] }),
    );
    assert.deepEqual(store.tasks.byId("t1"), t);
    const running = {
      ...t,
      attempt: 2,
      state: "running" as const,
      nodeId: "n1",
      gpuUuids: ["GPU-1", "MIG-2"],
      containerId: "c0ffee",
      ip: "172.17.0.2",
      ports: [{ name: "http", containerPort: 80, protocol: "tcp" as const, hostPort: 32768 }],
      exitCode: null,
      message: "ok",
      reason: null,
      updatedAt: 5,
      startedAt: 4,
    };
    store.tasks.update(running);
    assert.deepEqual(store.tasks.byId("t1"), running);
    assert.deepEqual(
      store.tasks.byWorkload("w1").map((x) => x.id),
      ["t0", "t1"],
    );
    assert.deepEqual(
      store.tasks.byStates(["running"]).map((x) => x.id),
      ["t2", "t1"],
      "oldest first",
    );
    assert.deepEqual(
      store.tasks.byStates(["pending", "running"]).map((x) => x.id),
      ["t2", "t0", "t1"],
    );
    assert.deepEqual(store.tasks.byStates([]), []);
    assert.deepEqual(
      store.tasks
        .byNode("n1", ["running"])
        .map((x) => x.id)
        .sort(),
      ["t1", "t2"],
    );
    assert.deepEqual(store.tasks.byNode("n1", ["pending"]), []);
    assert.throws(
      () => store.tasks.insert(task("t3", "w1", { index: 1 })),
      /UNIQUE/,
      "one task per role and index",
    );
  });

  it("tasks: a task of an unknown workload or node is refused", () => {
    assert.throws(() => store.tasks.insert(task("t", "ghost")), /FOREIGN KEY/);
    store.workloads.insert(workload("w1"));
    assert.throws(() => store.tasks.insert(task("t", "w1", { nodeId: "ghost" })), /FOREIGN KEY/);
    assert.deepEqual(store.tasks.byWorkload("w1"), []);
  });

  it("events: byWorkload gives the latest `limit` in order of insertion", () => {
    store.workloads.insert(workload("w1"));
    store.workloads.insert(workload("w2"));
    for (let i = 0; i < 5; i++) {
      store.events.append({
        workloadId: "w1",
        taskId: i === 0 ? null : `t${i}`,
        type: "Normal",
        reason: `R${i}`,
        message: `m${i}`,
        at: 100 - i,
      });
    }
    store.events.append({
      workloadId: "w2",
      taskId: null,
      type: "Warning",
      reason: "Other",
      message: "x",
      at: 1,
    });
    const all = store.events.byWorkload("w1", 100);
    assert.deepEqual(
      all.map((e) => e.reason),
      ["R0", "R1", "R2", "R3", "R4"],
    );
    assert.deepEqual(all[0], {
      id: 1,
      workloadId: "w1",
      taskId: null,
      type: "Normal",
      reason: "R0",
      message: "m0",
      at: 100,
    });
    assert.deepEqual(
      store.events.byWorkload("w1", 2).map((e) => e.reason),
      ["R3", "R4"],
    );
    assert.throws(
      () =>
        store.events.append({
          workloadId: "ghost",
          taskId: null,
          type: "Normal",
          reason: "R",
          message: "",
          at: 0,
        }),
      /FOREIGN KEY/,
    );
  });

  it("settings: get, insert and upsert", () => {
    assert.equal(store.settings.get("k"), undefined);
    store.settings.set("k", "v1");
    store.settings.set("k", "v2");
    assert.equal(store.settings.get("k"), "v2");
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM settings").get() as { n: number }).n, 1);
  });

  it("a transaction that throws leaves nothing written; one that returns keeps everything", () => {
    assert.throws(
      () =>
        store.transaction(() => {
          store.settings.set("a", "1");
          store.workloads.insert(workload("w1"));
          store.tasks.insert(task("t1", "w1"));
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(store.settings.get("a"), undefined);
    assert.equal(store.workloads.byId("w1"), undefined);
    assert.equal(store.tasks.byId("t1"), undefined);
    assert.equal(
      store.transaction(() => {
        store.settings.set("a", "1");
        return 42;
      }),
      42,
    );
    assert.equal(store.settings.get("a"), "1");
  });

  it("ping answers true while open and false once closed", () => {
    const other = openSqliteStore(":memory:");
    assert.equal(other.ping(), true);
    other.close();
    assert.equal(other.ping(), false);
  });
});
