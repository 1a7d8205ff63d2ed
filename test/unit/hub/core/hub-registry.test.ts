/** Core facts about the hub's registry: users' accounts (sealed, one per user) and projects. */
import assert from "node:assert/strict";
import { newCore, type Harness } from "./harness";

describe("hub registry accounts and projects (core rules)", () => {
  let h: Harness;
  beforeEach(() => {
    h = newCore();
  });
  afterEach(() => h.store.close());

  it("keeps one sealed account per user and one user per login; it goes with its user", async () => {
    const alice = await h.core.users.create({ username: "alice", password: "Secret-123" });
    const bob = await h.core.users.create({ username: "bob", password: "Secret-123" });
    const accounts = h.core.registryAccounts;
    const a = accounts.create({ userId: alice.id, username: "alice-r", password: "Pw-12345" });
    assert.ok(!a.passwordSealed.includes("Pw-12345"));
    assert.equal(h.core.secretBox.open(a.passwordSealed), "Pw-12345");
    assert.throws(() => accounts.create({ userId: alice.id, username: "other", password: "x" }), /already/);
    assert.throws(() => accounts.create({ userId: bob.id, username: "alice-r", password: "x" }), /exists/);
    assert.throws(() => accounts.create({ userId: bob.id, username: "bad name", password: "x" }), /letters/);
    h.clock.advance(1000);
    const changed = accounts.setPassword(alice.id, "Pw-67890");
    assert.equal(h.core.secretBox.open(changed.passwordSealed), "Pw-67890");
    assert.equal(accounts.of(alice.id)?.updatedAt, a.createdAt + 1000);
    assert.throws(() => accounts.setPassword(bob.id, "Pw-67890"), /not found/);
    h.core.users.remove(alice);
    assert.equal(accounts.of(alice.id), undefined);
    // The login is free again once its user is gone.
    accounts.create({ userId: bob.id, username: "alice-r", password: "x" });
  });

  it("keeps created projects by unique registry name, with their visibility", () => {
    const projects = h.core.registryProjects;
    const p = projects.create({ name: "calico", public: false, owner: "alice" });
    assert.deepEqual(projects.byName("calico"), p);
    assert.throws(() => projects.create({ name: "calico", public: true, owner: "bob" }), /already exists/);
    assert.throws(() => projects.create({ name: "Calico", public: true, owner: "bob" }), /lower-case/);
    projects.delete(p);
    assert.deepEqual(projects.list(), []);
  });
});
