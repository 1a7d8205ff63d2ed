import assert from "node:assert/strict";
import { pollInterval } from "../../../web/src/lib/backoff";
import { installCommand, shellQuote } from "../../../web/src/lib/install-command";
import { compareValues, matchesQuery, nextSort, sortRows } from "../../../web/src/lib/table";

describe("web console: polling back-off, install command, table sort and filter", () => {
  it("polls every 2 s while the hub answers and backs off to a minute when it does not", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 10].map((f) => pollInterval(f)),
      [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000],
    );
    assert.equal(pollInterval(2, { baseMs: 100, multiplier: 3, maxMs: 10_000 }), 900);
  });

  it("prints the agent install command with the hub's agent address and the token", () => {
    assert.equal(
      installCommand({ hubHost: "hub.example", agentPort: 9081, token: "abc123", cluster: null }),
      "sudo bash scripts/install-agent.sh --hub hub.example:9081 --token abc123",
    );
    assert.equal(
      installCommand({ hubHost: "::1", agentPort: 9081, token: "t", cluster: "edge berlin" }),
      "sudo bash scripts/install-agent.sh --hub '[::1]:9081' --token t --cluster 'edge berlin'", // brackets are glob characters,
    );
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote("$(rm -rf /)"), "'$(rm -rf /)'");
  });

  it("sorts numbers by value, names naturally, nulls last; a second click flips the order", () => {
    const rows = [
      { n: "node-10", g: 2 },
      { n: "node-2", g: null },
      { n: "node-1", g: 8 },
    ];
    assert.deepEqual(
      sortRows(rows, { key: "n", dir: "asc" }, (r, k) => r[k as "n"]).map((r) => r.n),
      ["node-1", "node-2", "node-10"],
    );
    assert.deepEqual(
      sortRows(rows, { key: "g", dir: "asc" }, (r, k) => r[k as "g"]).map((r) => r.g),
      [2, 8, null],
    );
    assert.deepEqual(nextSort({ key: "n", dir: "asc" }, "n"), { key: "n", dir: "desc" });
    assert.deepEqual(nextSort({ key: "n", dir: "desc" }, "g"), { key: "g", dir: "asc" });
    assert.equal(compareValues("a", "B") < 0, true);
  });

  it("filters rows on every word of the query, case-insensitively", () => {
    assert.equal(matchesQuery(["gpu-01", "default", "ready", "zone=a"], "ZONE=A ready"), true);
    assert.equal(matchesQuery(["gpu-01", "default", "ready"], "zone=a"), false);
    assert.equal(matchesQuery(["x", null, undefined], "  "), true);
  });
});
