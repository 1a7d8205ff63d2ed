import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryable,
  isUnauthenticated,
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

  it("retries transport failures but not refusals", () => {
    assert.equal(isRetryable({ code: status.UNAVAILABLE }), true);
    assert.equal(isRetryable(new Error("socket hang up")), true);
    assert.equal(isRetryable({ code: status.UNAUTHENTICATED }), false);
    assert.equal(isRetryable({ code: status.INVALID_ARGUMENT }), false);
    assert.equal(isUnauthenticated({ code: status.UNAUTHENTICATED }), true);
    assert.equal(isUnauthenticated(new Error("x")), false);
  });
});
