import assert from "node:assert/strict";
import { Metadata, status } from "@grpc/grpc-js";
import {
  backoffDelay,
  DEFAULT_RETRY,
  hintedDelay,
  isRetryable,
  isUnauthenticated,
  isUnreachable,
} from "../../../../agent/link/retry-policy";

describe("agent link retry policy", () => {
  it("grows exponentially from the initial interval and is capped", () => {
    const top = () => 1; // the largest jittered value
    assert.equal(backoffDelay(DEFAULT_RETRY, 0, top), 500);
    assert.equal(backoffDelay(DEFAULT_RETRY, 1, top), 1000);
    assert.equal(backoffDelay(DEFAULT_RETRY, 3, top), 4000);
    assert.equal(backoffDelay(DEFAULT_RETRY, 20, top), 30_000, "capped at maxMs");
  });

  it("jitters over the whole window but never below half the initial interval", () => {
    assert.equal(
      backoffDelay(DEFAULT_RETRY, 5, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(DEFAULT_RETRY, 5, () => 0.5),
      8000,
    );
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(DEFAULT_RETRY, 6)));
    assert.ok(seen.size > 10, "a fleet does not retry in lockstep");
  });

  it("tells a hub it could not reach from one that failed TLS (only the latter is probed for a new CA)", () => {
    const refused = "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:7443";
    assert.equal(isUnreachable({ code: status.UNAVAILABLE, details: refused }), true);
    assert.equal(isUnreachable({ code: status.UNAVAILABLE, message: `14 UNAVAILABLE: ${refused}` }), true);
    const tls = "No connection established. Last error: Error: self-signed certificate in certificate chain";
    assert.equal(isUnreachable({ code: status.UNAVAILABLE, details: tls }), false);
    assert.equal(isUnreachable({ code: status.UNAUTHENTICATED, details: "ECONNREFUSED" }), false);
    assert.equal(isUnreachable(new Error("connect ECONNREFUSED")), false, "not a gRPC status");
  });

  it("retries transport failures but not refusals", () => {
    assert.equal(isRetryable({ code: status.UNAVAILABLE }), true);
    assert.equal(isRetryable(new Error("socket hang up")), true);
    assert.equal(isRetryable({ code: status.UNAUTHENTICATED }), false);
    assert.equal(isRetryable({ code: status.INVALID_ARGUMENT }), false);
    assert.equal(isUnauthenticated({ code: status.UNAUTHENTICATED }), true);
    assert.equal(isUnauthenticated(new Error("x")), false);
  });

  it("a paced join waits the hub's retry-after-ms hint plus up to 10 %; other errors have no hint", () => {
    const paced = (ms: string) => {
      const metadata = new Metadata();
      metadata.set("retry-after-ms", ms);
      return Object.assign(new Error("too many joins"), { code: status.RESOURCE_EXHAUSTED, metadata });
    };
    assert.equal(
      hintedDelay(paced("1200"), () => 0),
      1200,
    );
    assert.equal(
      hintedDelay(paced("1200"), () => 1),
      1320,
    );
    assert.equal(
      hintedDelay(paced("9999999"), () => 0),
      300_000,
      "clamped",
    );
    assert.equal(hintedDelay(paced("soon")), null);
    assert.equal(hintedDelay(Object.assign(new Error("x"), { code: status.RESOURCE_EXHAUSTED })), null);
    assert.equal(
      hintedDelay(Object.assign(new Error("x"), { code: status.UNAVAILABLE, metadata: new Metadata() })),
      null,
    );
  });
});
