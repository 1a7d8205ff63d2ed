import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../../cli/errors";
import { formatAge, formatCpu, formatMiB, formatTable } from "../../../cli/output";
import { resolvePrefix } from "../../../cli/resolve";

describe("cli/output", () => {
  it("pads table columns, prints - for empty cells and leaves no trailing blanks", () => {
    const text = formatTable(
      ["NAME", "STATUS", "LABELS"],
      [
        ["gpu-01", "ready", ""],
        ["a", "notready", "x"],
      ],
    );
    assert.equal(text, "NAME    STATUS    LABELS\ngpu-01  ready     -\na       notready  x\n");
  });

  it("formats quantities in people's units", () => {
    assert.equal(formatMiB(512), "512Mi");
    assert.equal(formatMiB(2048), "2Gi");
    assert.equal(formatMiB(64000), "62.5Gi");
    assert.equal(formatCpu(16000), "16");
    assert.equal(formatCpu(1500), "1.5");
    assert.equal(formatCpu(250), "250m");
    assert.equal(formatCpu(500), "500m");
    assert.equal(formatCpu(0), "0");
  });

  it("formats ages", () => {
    const now = new Date("2026-11-23T17:00:00.000Z");
    assert.equal(formatAge("2026-11-23T16:59:30.000Z", now), "30s");
    assert.equal(formatAge("2026-11-23T16:55:00.000Z", now), "5m");
    assert.equal(formatAge("2026-11-23T12:00:00.000Z", now), "5h");
    assert.equal(formatAge("2026-11-20T17:00:00.000Z", now), "3d");
    assert.equal(formatAge(null, now), "-");
  });
});

describe("cli/resolve", () => {
  const items = [{ id: "abc123" }, { id: "abd456" }, { id: "ab" }];

  it("prefers an exact id, else the one id with the prefix", () => {
    assert.equal(resolvePrefix(items, "ab", "token").id, "ab");
    assert.equal(resolvePrefix(items, "abc", "token").id, "abc123");
  });

  it("lists candidates when ambiguous (exit 2) and says none matched (exit 3)", () => {
    assert.throws(
      () => resolvePrefix([{ id: "abc1" }, { id: "abc2" }], "abc", "token"),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /abc1, abc2/);
        return true;
      },
    );
    assert.throws(() => resolvePrefix(items, "zz", "token"), NotFoundError);
  });
});
