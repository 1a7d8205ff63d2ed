/**
 * Secrets at rest and in logs: the data dir is the hub's alone (0700, files 0600), the
 * token-signing, sealing and tunnel-URL keys live in their own 0600 files (moved out of corral.db
 * at the first start of an older hub), `corral-hub rotate-keys` rotates them (signing: every token
 * ends; sealing: stored secrets sealed anew), and no token reaches a log line.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { createCore } from "../../hub/core";
import { LEGACY_KEY_SETTINGS } from "../../hub/core/key-ring";
import { hubLogger, redactPath } from "../../hub/log-redaction";
import { rotateKeys } from "../../hub/rotate-keys";
import { keysDir } from "../../hub/store/key-files";
import { openSqliteStore } from "../../hub/store/sqlite-store";
import { FakeClock } from "../helpers/fake-clock";
import { ADMIN, startTestHub } from "../helpers/test-hub";

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const settingsRows = (dir: string) => {
  const db = new Database(path.join(dir, "corral.db"), { readonly: true });
  try {
    return (db.prepare("SELECT key FROM settings").all() as { key: string }[]).map((r) => r.key);
  } finally {
    db.close();
  }
};

describe("integration: secrets at rest and in logs", function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "corral-secrets-"));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("keeps the data dir 0700, corral.db and the key files 0600, and no key in the database", async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const hub = await startTestHub({}, dir);
    try {
      assert.equal(mode(dir), 0o700);
      const dbFiles = fs.readdirSync(dir).filter((f) => f.startsWith("corral.db"));
      assert.ok(dbFiles.includes("corral.db"));
      for (const f of dbFiles) assert.equal(mode(path.join(dir, f)), 0o600, f);
      assert.equal(mode(keysDir(dir)), 0o700);
      const keyFiles = fs.readdirSync(keysDir(dir));
      assert.deepEqual(keyFiles.sort(), ["secret-sealing.json", "token-signing.json", "tunnel-url.json"]);
      for (const f of keyFiles) assert.equal(mode(path.join(keysDir(dir), f)), 0o600, f);
    } finally {
      await hub.close();
    }
    for (const legacy of Object.values(LEGACY_KEY_SETTINGS))
      assert.ok(!settingsRows(dir).includes(legacy), legacy);
  });

  it("moves an older hub's keys out of corral.db at start: its tokens and sealed secrets still work", async () => {
    const dir = tempDir();
    // An older hub: keys in the settings table.
    const store = openSqliteStore(dir);
    const old = createCore(store, new FakeClock(Date.now()), { downAfterMs: 60_000, metricsSampleMs: 0 });
    const alice = await old.users.create({ username: "alice", password: "alice-pass-1" });
    const token = old.auth.issue(alice, "login", 3600).token;
    old.registryCredentials.create({
      name: "reg",
      address: "registry.example:5000",
      username: "puller",
      password: "Pull-Secret-1",
      owner: "alice",
    });
    store.close();
    assert.ok(settingsRows(dir).includes(LEGACY_KEY_SETTINGS["token-signing"]));

    const hub = await startTestHub({}, dir);
    try {
      assert.equal(hub.hub.core.auth.authenticate(token).user.username, "alice");
      const cred = hub.hub.core.registryCredentials.list()[0];
      assert.ok(cred);
      assert.equal(hub.hub.core.secretBox.open(cred.passwordSealed), "Pull-Secret-1");
    } finally {
      await hub.close();
    }
    for (const legacy of Object.values(LEGACY_KEY_SETTINGS))
      assert.ok(!settingsRows(dir).includes(legacy), legacy);
  });

  it("rotate-keys: a new signing key ends every token; a new sealing key seals stored secrets anew", async () => {
    const dir = tempDir();
    let hub = await startTestHub({}, dir);
    const before = hub.adminToken;
    hub.hub.core.registryCredentials.create({
      name: "reg",
      address: "registry.example:5000",
      username: "puller",
      password: "Pull-Secret-2",
      owner: ADMIN.username,
    });
    const sealedBefore = hub.hub.core.registryCredentials.list()[0]?.passwordSealed;
    await hub.close();

    assert.deepEqual(rotateKeys(dir, { signing: true, sealing: true }), {
      signing: true,
      sealing: true,
      resealed: 1,
    });
    hub = await startTestHub({}, dir);
    try {
      assert.equal((await hub.api("GET", "/api/corral/v1/auth/me", undefined, before)).status, 401);
      assert.equal((await hub.api("GET", "/api/corral/v1/auth/me")).status, 200, "a new login works");
      const cred = hub.hub.core.registryCredentials.list()[0];
      assert.ok(cred && cred.passwordSealed !== sealedBefore);
      assert.ok(hub.hub.core.secretBox.isCurrent(cred.passwordSealed));
      assert.equal(hub.hub.core.secretBox.open(cred.passwordSealed), "Pull-Secret-2");
      for (const f of fs.readdirSync(keysDir(dir))) assert.equal(mode(path.join(keysDir(dir), f)), 0o600, f);
    } finally {
      await hub.close();
    }
  });

  it("no token, password or secret reaches a log line (pino redact + request paths)", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const hub = await startTestHub({}, tempDir(), { logger: hubLogger("debug", sink) });
    try {
      const app = (await hub.api<{ token: string }>("POST", "/api/v2/tokens/application", {})).body.token;
      await hub.api("DELETE", `/api/v2/tokens/${app}`);
      await hub.api("GET", `/api/corral/v1/workloads/${hub.adminToken}/tasks/0/logs?token=${hub.adminToken}`);
      await hub.api("GET", `/api/v2/jobs?token=${hub.adminToken}`);
      const logger = hubLogger("debug", sink);
      logger.info(
        {
          password: "Hunter-2-pass",
          headers: { authorization: `Bearer ${hub.adminToken}` },
          joinToken: "corral-join-secret",
        },
        "a careless line",
      );
      logger.info({ user: { password: "Hunter-2-pass", token: app } }, "nested");
      const all = lines.join("");
      assert.match(all, /http request/, "requests were logged");
      for (const secret of [app, hub.adminToken, "Hunter-2-pass", "corral-join-secret"])
        assert.ok(!all.includes(secret), `log holds ${secret.slice(0, 12)}...`);
      assert.match(all, /\[redacted\]/);
    } finally {
      await hub.close();
    }
  });

  it("redactPath removes JWTs and what follows a token-naming segment", () => {
    assert.equal(redactPath("/api/v2/tokens/abc.def"), "/api/v2/tokens/[redacted]");
    assert.equal(redactPath("/x/eyJhbGciOi.eyJzdWIi.sig/y"), "/x/[redacted]/y");
    assert.equal(
      redactPath("/api/corral/v1/join-tokens/t1/revoke"),
      "/api/corral/v1/join-tokens/[redacted]/revoke",
    );
    assert.equal(redactPath("/api/corral/v1/nodes"), "/api/corral/v1/nodes");
  });
});
