/**
 * core.authz rules (docs/security.md, "Authorization model"): grants from sources, unit admins
 * covering descendants, user management only strictly within one's own units, priority rights.
 */
import assert from "node:assert/strict";
import type { Grant } from "../../../../hub/core/authz/model";
import type { User } from "../../../../hub/core/model";
import { PRIORITY_CLASSES } from "../../../../hub/core/priority-classes";
import { newCore, type Harness } from "./harness";

describe("core.authz", () => {
  let h: Harness;
  let dept: string;
  let projA: string;
  let projB: string;
  const grants = new Map<string, Grant[]>();
  const user = async (name: string, admin = false): Promise<User> =>
    h.core.users.create({ username: name, password: "Passw0rd!", admin });

  beforeEach(() => {
    h = newCore();
    dept = h.core.quotaUnits.create({ name: "dept", kind: "department" }).id;
    projA = h.core.quotaUnits.create({ name: "a", kind: "project", parentId: dept }).id;
    projB = h.core.quotaUnits.create({ name: "b", kind: "project" }).id;
    grants.clear();
    h.core.authz.addGrantSource("test", (u) => grants.get(u.username) ?? []);
  });
  afterEach(() => h.store.close());

  it("lets the global admin do everything, and a plain user only read and own", async () => {
    const admin = await user("root", true);
    const plain = await user("plain");
    assert.ok(h.core.authz.can(admin, "system.write", { kind: "system" }));
    assert.ok(!h.core.authz.can(plain, "system.write", { kind: "system" }));
    assert.ok(h.core.authz.can(plain, "system.read", { kind: "system" }));
    assert.ok(h.core.authz.can(plain, "unit.submit", { kind: "unit", unitId: null }));
    assert.ok(!h.core.authz.can(plain, "unit.submit", { kind: "unit", unitId: projA }));
    const mine = { kind: "object", owner: "plain", unitId: projA } as const;
    assert.ok(h.core.authz.can(plain, "object.write", mine));
    assert.ok(!h.core.authz.can(plain, "object.read", { ...mine, owner: "root" }));
    assert.throws(() => h.core.authz.require(plain, "system.write", { kind: "system" }), {
      name: "ForbiddenError",
    });
  });

  it("makes a unit admin admin of the units below it, and a member a member of its unit only", async () => {
    const boss = await user("boss");
    const member = await user("member");
    grants.set("boss", [{ role: "unit-admin", quotaUnitId: dept }]);
    grants.set("member", [{ role: "member", quotaUnitId: dept }]);
    assert.ok(h.core.authz.can(boss, "unit.manage", { kind: "unit", unitId: projA }));
    assert.ok(!h.core.authz.can(boss, "unit.manage", { kind: "unit", unitId: projB }));
    assert.ok(h.core.authz.can(boss, "object.write", { kind: "object", owner: "x", unitId: projA }));
    assert.ok(!h.core.authz.can(boss, "object.write", { kind: "object", owner: "x", unitId: projB }));
    assert.ok(h.core.authz.can(member, "unit.submit", { kind: "unit", unitId: dept }));
    assert.ok(!h.core.authz.can(member, "unit.submit", { kind: "unit", unitId: projA }));
    assert.ok(!h.core.authz.can(member, "unit.manage", { kind: "unit", unitId: dept }));
  });

  it("lets a unit admin manage only users of its units whose administration lies strictly within its own", async () => {
    const boss = await user("boss");
    const sub = await user("sub");
    const peer = await user("peer");
    const outsider = await user("outsider");
    const admin = await user("root", true);
    grants.set("boss", [{ role: "unit-admin", quotaUnitId: dept }]);
    grants.set("sub", [{ role: "unit-admin", quotaUnitId: projA }]);
    grants.set("peer", [{ role: "unit-admin", quotaUnitId: dept }]);
    grants.set("outsider", [{ role: "member", quotaUnitId: projB }]);
    const manages = (a: User, t: User) => h.core.authz.can(a, "user.manage", { kind: "user", user: t });
    assert.ok(manages(boss, sub), "a narrower admin of its units");
    assert.ok(!manages(sub, boss), "not a wider one");
    assert.ok(!manages(boss, peer), "not an equal one");
    assert.ok(!manages(boss, outsider), "not a user of other units");
    assert.ok(!manages(boss, admin), "never the global admin");
    assert.ok(!manages(await user("nobody"), outsider), "nothing without units");
    assert.ok(manages(admin, boss));
  });

  it("caps priority: members at build or their kind's default, unit admins at the top class, the admin not at all", async () => {
    const member = await user("member");
    const boss = await user("boss");
    grants.set("member", [{ role: "member", quotaUnitId: projA }]);
    grants.set("boss", [{ role: "unit-admin", quotaUnitId: projA }]);
    const right = (u: User, kind: "batch" | "service") =>
      h.core.authz.priorityRight(u, { kind, unitId: projA });
    assert.equal(right(member, "batch"), PRIORITY_CLASSES.build.priority);
    assert.equal(right(member, "service"), PRIORITY_CLASSES.inference.priority);
    assert.equal(right(boss, "batch"), PRIORITY_CLASSES.inference.priority);
    assert.equal(right(await user("root", true), "batch"), Number.POSITIVE_INFINITY);
    assert.throws(() => h.core.authz.requireSubmit(member, { kind: "batch", unitId: projA, priority: 125 }), {
      name: "ForbiddenError",
    });
    assert.throws(
      () => h.core.authz.requireSubmit(member, { kind: "batch", unitId: projB, priority: 0 }),
      /not a member/,
    );
    h.core.authz.requireSubmit(member, { kind: "batch", unitId: projA, priority: 100 });
  });
});
