import assert from "node:assert/strict";
import { newCore, type Harness } from "./harness";

describe("core auth: token text of a record", () => {
  let h: Harness;

  beforeEach(() => {
    h = newCore();
  });
  afterEach(() => h.store.close());

  it("re-derives exactly the issued token text, for login and application tokens", async () => {
    const alice = await h.core.users.create({ username: "alice", password: "alice-password" });
    const login = h.core.auth.issue(alice, "login", 3600);
    const app = h.core.auth.issue(alice, "application", null);
    assert.equal(h.core.auth.tokenText(login.record), login.token);
    assert.equal(h.core.auth.tokenText(app.record), app.token);
    const listed = h.core.auth.liveTokens(alice.id).map((r) => h.core.auth.tokenText(r));
    assert.deepEqual(new Set(listed), new Set([login.token, app.token]));
  });

  it("has no text for a record whose user is gone", async () => {
    const bob = await h.core.users.create({ username: "bob", password: "bob-password" });
    const { record } = h.core.auth.issue(bob, "login", 60);
    h.core.users.remove(bob);
    assert.equal(h.core.auth.tokenText(record), undefined);
  });
});
