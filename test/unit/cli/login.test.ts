import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Harness, ttyTyping } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN, node } from "./fixtures";

describe("corral login / logout", () => {
  let hub: StubHub;
  let h: Harness;

  beforeEach(async () => {
    hub = await new StubHub().start();
    hub.on("POST", "/auth/login", (req) => {
      const body = req.body as { username?: string; password?: string };
      if (body.password !== "s3cret") {
        return { status: 401, json: { code: "unauthenticated", message: "wrong username or password" } };
      }
      return {
        json: {
          token: TOKEN,
          expiresAt: "2026-11-24T17:00:00.000Z",
          user: { username: body.username, admin: true },
        },
      };
    });
    hub.on("GET", "/nodes", { json: { items: [node()] } });
    hub.on("POST", "/auth/logout", { status: 204 });
    h = new Harness();
  });

  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("stores hub and token in a 0600 file, and later commands send Authorization: Bearer", async () => {
    const login = await h.run([
      "login",
      "--hub",
      hub.url + "/",
      "--username",
      "admin",
      "--password",
      "s3cret",
    ]);
    assert.equal(login.code, 0, login.stderr);
    assert.deepEqual(hub.only("POST", "/auth/login").body, { username: "admin", password: "s3cret" });
    assert.equal(hub.only("POST", "/auth/login").headers.authorization, undefined);

    const file = join(h.configDir, "config.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, "utf8")) as { hub: string; token: string };
    assert.equal(stored.hub, hub.url, "trailing slash is normalised away");
    assert.equal(stored.token, TOKEN);

    const list = await h.run(["node", "list"]); // no --hub: the stored one
    assert.equal(list.code, 0, list.stderr);
    assert.equal(hub.only("GET", "/nodes").headers.authorization, `Bearer ${TOKEN}`);
  });

  it("reads an omitted password from piped stdin", async () => {
    const r = await h.run(["login", "--hub", hub.url, "--username", "admin"], "s3cret\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((hub.only("POST", "/auth/login").body as { password: string }).password, "s3cret");
    assert.match(r.stderr, /Password: /, "the prompt goes to stderr");
    assert.doesNotMatch(r.stdout, /Password/);
  });

  it("on a terminal, reads the password in raw mode without echoing it", async () => {
    const tty = ttyTyping("s3x\u007fcret\r"); // a typo fixed with Backspace
    const rawCalls: boolean[] = [];
    tty.setRawMode = (raw: boolean) => rawCalls.push(raw);
    const r = await h.run(["login", "--hub", hub.url, "--username", "admin"], tty);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((hub.only("POST", "/auth/login").body as { password: string }).password, "s3cret");
    assert.deepEqual(rawCalls, [true, false], "raw mode on for the password, off again after");
    assert.doesNotMatch(r.stderr + r.stdout, /s3/);
  });

  it("reads username and password from stdin lines in order", async () => {
    const r = await h.run(["login", "--hub", hub.url], "admin\ns3cret\n");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/auth/login").body, { username: "admin", password: "s3cret" });
  });

  it("is a usage error when a value is neither given nor on stdin", async () => {
    const r = await h.run(["login", "--hub", hub.url, "--username", "admin"], "");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--password is required/);
  });

  it("shows the hub's message for a wrong password, not the 'run corral login' hint", async () => {
    const r = await h.run(["login", "--hub", hub.url, "--username", "admin", "--password", "nope"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: wrong username or password$/m);
  });

  it("never sends the stored token to a different hub", async () => {
    await h.run(["login", "--hub", hub.url, "--username", "admin", "--password", "s3cret"]);
    const other = await new StubHub().start();
    try {
      const r = await h.run(["node", "list", "--hub", other.url]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not logged in to http:\/\/127\.0\.0\.1/);
      assert.equal(other.requests.length, 0);
    } finally {
      await other.stop();
    }
  });

  it("takes hub and token from CORRAL_HUB_URL and CORRAL_TOKEN", async () => {
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = "env-token";
    const r = await h.run(["node", "list"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(hub.only("GET", "/nodes").headers.authorization, "Bearer env-token");
  });

  it("logout revokes the token on the hub and forgets it, keeping the hub", async () => {
    await h.run(["login", "--hub", hub.url, "--username", "admin", "--password", "s3cret"]);
    const r = await h.run(["logout"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(hub.only("POST", "/auth/logout").headers.authorization, `Bearer ${TOKEN}`);
    const stored = JSON.parse(readFileSync(join(h.configDir, "config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.deepEqual(stored, { hub: hub.url });
    const after = await h.run(["node", "list"]);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /not logged in/);
  });
});
