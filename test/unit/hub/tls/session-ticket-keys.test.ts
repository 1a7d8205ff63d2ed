import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sessionTicketKeys, TICKET_KEYS_MAX_AGE_MS } from "../../../../hub/tls/session-ticket-keys";

describe("hub/tls/session-ticket-keys: the agent link's TLS ticket keys (issue 15)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-ticket-keys-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, "session-ticket.keys");

  it("makes 48 random bytes on first use, 0600, and keeps them while young", () => {
    const keys = sessionTicketKeys(dir);
    assert.equal(keys.length, 48);
    assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
    assert.deepEqual(sessionTicketKeys(dir), keys);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "corral-ticket-keys-"));
    try {
      assert.notDeepEqual(sessionTicketKeys(other), keys, "random per hub");
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("replaces keys older than the maximum age, and a malformed file", () => {
    const keys = sessionTicketKeys(dir);
    const mtime = fs.statSync(file()).mtimeMs;
    assert.deepEqual(sessionTicketKeys(dir, mtime + TICKET_KEYS_MAX_AGE_MS - 1), keys, "not yet due");
    const rotated = sessionTicketKeys(dir, mtime + TICKET_KEYS_MAX_AGE_MS + 1);
    assert.notDeepEqual(rotated, keys, "due: new keys");
    assert.deepEqual(fs.readFileSync(file()), rotated, "and stored");

    fs.writeFileSync(file(), "short");
    const fixed = sessionTicketKeys(dir);
    assert.equal(fixed.length, 48);
    assert.notDeepEqual(fixed, rotated);
  });

  it("makes the file private again if its mode was widened", () => {
    sessionTicketKeys(dir);
    fs.chmodSync(file(), 0o644);
    sessionTicketKeys(dir);
    assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
  });
});
