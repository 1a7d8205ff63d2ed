import assert from "node:assert/strict";
import { RateLimiter } from "../../../../../hub/api/openpai/rate-limit";
import { registryHost } from "../../../../../hub/api/openpai/protocol/v2";

describe("openpai: RateLimiter", () => {
  it("allows `limit` requests per key and window, then says how long to wait", () => {
    let now = 1_000;
    const limiter = new RateLimiter(2, 60_000, () => now);
    assert.equal(limiter.take("a"), null);
    assert.equal(limiter.take("a"), null);
    now += 15_500;
    assert.equal(limiter.take("a"), 45);
    assert.equal(limiter.take("b"), null, "keys are counted apart");
    now = 61_000;
    assert.equal(limiter.take("a"), null, "a new window starts afresh");
  });

  it("never limits with a limit of 0", () => {
    const limiter = new RateLimiter(0, 1_000);
    for (let i = 0; i < 100; i++) assert.equal(limiter.take("a"), null);
  });
});

describe("openpai: registryHost", () => {
  it("takes the host and port of a registry uri, with or without a scheme", () => {
    assert.equal(registryHost("https://reg.example.com:5000/v2/"), "reg.example.com:5000");
    assert.equal(registryHost("reg.example.com"), "reg.example.com");
    assert.equal(registryHost("docker.io/library"), "docker.io");
  });
});
