import assert from "node:assert/strict";
import { UsageError } from "../../../cli/errors";
import {
  parseCpu,
  parseDuration,
  parseEnvPair,
  parseIntIn,
  parseMemory,
  parsePort,
} from "../../../cli/parse";

/** Asserts a UsageError whose message quotes the bad value. */
function rejects(fn: () => unknown, raw: string, hint: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
    assert.ok(err.message.includes(JSON.stringify(raw)), `message should quote ${raw}: ${err.message}`);
    assert.match(err.message, hint);
    assert.equal(err.exitCode, 2);
    return true;
  });
}

describe("cli/parse", () => {
  it("parses durations to seconds", () => {
    assert.equal(parseDuration("24h"), 86_400);
    assert.equal(parseDuration("3600s"), 3600);
    assert.equal(parseDuration("90m"), 5400);
    assert.equal(parseDuration("7d"), 604_800);
    assert.equal(parseDuration("1h30m"), 5400);
  });

  it("refuses durations without a unit, with a bad unit, or zero", () => {
    rejects(() => parseDuration("3600"), "3600", /unit s, m, h or d/);
    rejects(() => parseDuration("2w"), "2w", /e\.g\. 90m/);
    rejects(() => parseDuration("-5m"), "-5m", /unit/);
    rejects(() => parseDuration("0s"), "0s", /unit/);
    rejects(() => parseDuration(""), "", /unit/);
  });

  it("parses CPU to millicores", () => {
    assert.equal(parseCpu("500m"), 500);
    assert.equal(parseCpu("2"), 2000);
    assert.equal(parseCpu("0.5"), 500);
    assert.equal(parseCpu("1.25"), 1250);
  });

  it("refuses bad CPU values", () => {
    rejects(() => parseCpu("two"), "two", /millicores/);
    rejects(() => parseCpu("1.5m"), "1.5m", /millicores/);
    rejects(() => parseCpu("0.0005"), "0.0005", /finer than 1 millicore/);
    rejects(() => parseCpu("-1"), "-1", /cores/);
  });

  it("parses memory to MiB", () => {
    assert.equal(parseMemory("512Mi"), 512);
    assert.equal(parseMemory("2Gi"), 2048);
    assert.equal(parseMemory("1.5Gi"), 1536);
    assert.equal(parseMemory("1Ti"), 1_048_576);
  });

  it("refuses memory without a binary unit", () => {
    rejects(() => parseMemory("512"), "512", /Mi, Gi or Ti/);
    rejects(() => parseMemory("2G"), "2G", /Mi, Gi or Ti/);
    rejects(() => parseMemory("0.3Mi"), "0.3Mi", /whole number of MiB/);
  });

  it("parses ports with tcp as default protocol", () => {
    assert.deepEqual(parsePort("http:8080"), { name: "http", containerPort: 8080, protocol: "tcp" });
    assert.deepEqual(parsePort("dns:53/udp"), { name: "dns", containerPort: 53, protocol: "udp" });
    rejects(() => parsePort("8080"), "8080", /name:PORT/);
    rejects(() => parsePort("http:70000"), "http:70000", /1-65535/);
    rejects(() => parsePort("http:80/sctp"), "http:80/sctp", /tcp\|udp/);
  });

  it("parses env pairs, keeping = inside the value", () => {
    assert.deepEqual(parseEnvPair("A=1"), ["A", "1"]);
    assert.deepEqual(parseEnvPair("URL=a=b"), ["URL", "a=b"]);
    assert.deepEqual(parseEnvPair("EMPTY="), ["EMPTY", ""]);
    rejects(() => parseEnvPair("NOVALUE"), "NOVALUE", /KEY=VALUE/);
    rejects(() => parseEnvPair("1A=x"), "1A=x", /KEY=VALUE/);
  });

  it("parses bounded whole numbers", () => {
    assert.equal(parseIntIn("3", "--instances", 1, 1000), 3);
    rejects(() => parseIntIn("1.5", "--instances", 1, 1000), "1.5", /whole number/);
    assert.throws(() => parseIntIn("0", "--instances", 1, 1000), /between 1 and 1000/);
  });
});
