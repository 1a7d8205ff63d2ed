import assert from "node:assert/strict";
import {
  formatBytes,
  formatCores,
  formatDuration,
  formatMiB,
  formatPercent,
  localTime,
  relativeTime,
} from "../../../web/src/lib/format";

describe("web console: formatting", () => {
  it("writes sizes in binary units", () => {
    assert.equal(formatBytes(0), "0 B");
    assert.equal(formatBytes(1023), "1023 B");
    assert.equal(formatBytes(1024), "1 KiB");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(10 * 1024 * 1024 + 512 * 1024), "10.5 MiB");
    assert.equal(formatBytes(-2048), "-2 KiB");
    assert.equal(formatBytes(null), "—");
    assert.equal(formatBytes(Number.NaN), "—");
  });

  it("writes MiB amounts (the API's memory unit) in the largest fitting unit", () => {
    assert.equal(formatMiB(81920), "80 GiB");
    assert.equal(formatMiB(512), "512 MiB");
    assert.equal(formatMiB(1536), "1.5 GiB");
    assert.equal(formatMiB(3 * 1024 * 1024), "3 TiB");
    assert.equal(formatMiB(0), "0 B");
    assert.equal(formatMiB(undefined), "—");
  });

  it("writes millicores as cores and percentages rounded", () => {
    assert.equal(formatCores(16000), "16");
    assert.equal(formatCores(1500), "1.5");
    assert.equal(formatCores(250), "0.25");
    assert.equal(formatPercent(42.6), "43%");
    assert.equal(formatPercent(null), "—");
  });

  it("says how long ago or how soon, in words", () => {
    const now = Date.parse("2026-12-02T00:00:00Z");
    assert.equal(relativeTime(now - 2_000, now, "en"), "now");
    assert.equal(relativeTime(now - 30_000, now, "en"), "30 seconds ago");
    assert.equal(relativeTime(now - 5 * 60_000, now, "en"), "5 minutes ago");
    assert.equal(relativeTime(now - 3 * 3_600_000, now, "en"), "3 hours ago");
    assert.equal(relativeTime(now - 26 * 3_600_000, now, "en"), "yesterday");
    assert.equal(relativeTime(now + 2 * 3_600_000, now, "en"), "in 2 hours");
  });

  it("shows a time in the given zone (the browser's by default)", () => {
    const iso = "2026-12-02T00:15:07Z";
    assert.match(localTime(iso, "Europe/Berlin", "en-GB"), /2 Dec 2026, 01:15:07/);
    assert.match(localTime(iso, "America/New_York", "en-GB"), /1 Dec 2026, 19:15:07/);
    assert.equal(localTime(null), "—");
    assert.equal(localTime("not a time"), "—");
  });

  it("writes durations short", () => {
    assert.equal(formatDuration(59_000), "59s");
    assert.equal(formatDuration(61_000), "1m 1s");
    assert.equal(formatDuration(3_600_000), "1h 0m");
    assert.equal(formatDuration(90_000_000), "1d 1h");
    assert.equal(formatDuration(-1), "—");
  });
});
