import assert from "node:assert/strict";
import crypto from "node:crypto";
import { ReplayGuard } from "../../../../../hub/api/modelarts/replay-guard";
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseAuthorization,
  parseSdkDate,
  queryPairs,
  quote,
  signature,
  type SignedRequest,
} from "../../../../../hub/api/modelarts/signature";
import { signRequest } from "../../../../helpers/sdk-signer";

const PROJECT = "0123456789abcdef0123456789abcdef";
const SK = "SECRETKEY0123456789abcdefghijklmnopqrstu";
const BODY = '{"name":"ws-one"}';
const BODY_HASH = "f5404eda177ab7169aa025a47305a075970fc2669a2f08b9167c88f30aaceb80";

/**
 * The vector, written out from the algorithm: the canonical request of POST .../workspaces?b=x y&a=1&b=*
 * and the HMAC-SHA256 of its string to sign keyed by SK (computed apart with Python's hashlib/hmac,
 * and the same signature Huawei's Python SDK signer gives for this request).
 */
const CANONICAL = [
  "POST",
  `/v1/${PROJECT}/workspaces/`,
  "a=1&b=%2A&b=x%20y",
  `content-type:application/json\nhost:127.0.0.1:8080\nx-project-id:${PROJECT}\nx-sdk-date:20261202T010203Z\n`,
  "content-type;host;x-project-id;x-sdk-date",
  BODY_HASH,
].join("\n");
const SIGNATURE = "0e60cf045c436ca67b52c55dbb20337c540c5bf06e6208b8241870a29c931a9f";

const request: SignedRequest = {
  method: "post",
  path: `/v1/${PROJECT}/workspaces`,
  query: queryPairs("b=x%20y&a=1&b=%2A"),
  headers: {
    "content-type": "application/json",
    host: "127.0.0.1:8080",
    "x-project-id": PROJECT,
    "x-sdk-date": "20261202T010203Z",
  },
  signedHeaders: ["content-type", "host", "x-project-id", "x-sdk-date"],
  body: Buffer.from(BODY),
};

describe("modelarts: SDK-HMAC-SHA256 signature", () => {
  it("builds the canonical request of the vector and its signature", () => {
    assert.equal(crypto.createHash("sha256").update(BODY).digest("hex"), BODY_HASH);
    assert.equal(canonicalRequest(request), CANONICAL);
    assert.equal(signature(request, "20261202T010203Z", SK), SIGNATURE);
  });

  it("agrees with our test signer (written apart from the verifier)", () => {
    const headers = signRequest({
      method: "POST",
      url: `http://127.0.0.1:8080/v1/${PROJECT}/workspaces?b=x%20y&a=1&b=%2A`,
      headers: { "Content-Type": "application/json", "X-Project-Id": PROJECT },
      body: BODY,
      ak: "AKEXAMPLE00000000001",
      sk: SK,
      at: new Date(Date.UTC(2026, 11, 2, 1, 2, 3)),
    });
    assert.equal(
      headers.Authorization,
      `SDK-HMAC-SHA256 Access=AKEXAMPLE00000000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=${SIGNATURE}`,
    );
  });

  it("signs an empty body as the sha256 of nothing, and X-Sdk-Content-Sha256 instead of the body", () => {
    const get = { ...request, method: "GET", body: Buffer.alloc(0) };
    assert.ok(
      canonicalRequest(get).endsWith("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    );
    const unsigned = {
      ...request,
      headers: { ...request.headers, "x-sdk-content-sha256": "UNSIGNED-PAYLOAD" },
    };
    assert.ok(canonicalRequest(unsigned).endsWith("\nUNSIGNED-PAYLOAD"));
  });

  it("encodes as Python's quote(safe='~') and ends the path with a slash", () => {
    assert.equal(quote("a-b_c.d~e"), "a-b_c.d~e");
    assert.equal(quote("!*'() /+=&é"), "%21%2A%27%28%29%20%2F%2B%3D%26%C3%A9");
    assert.equal(canonicalUri("/v1/x/a%20b"), "/v1/x/a%20b/");
    assert.equal(canonicalUri("/v1/x/"), "/v1/x/");
    assert.equal(
      canonicalQuery([
        ["z", ""],
        ["a", "true"],
      ]),
      "a=true&z=",
    );
    assert.deepEqual(queryPairs("a=1+2&flag"), [
      ["a", "1 2"],
      ["flag", ""],
    ]);
  });

  it("parses the Authorization header and X-Sdk-Date", () => {
    const sig = "ab".repeat(32);
    assert.deepEqual(
      parseAuthorization(`SDK-HMAC-SHA256 Access=AK1, SignedHeaders=Host;X-Sdk-Date, Signature=${sig}`),
      {
        access: "AK1",
        signedHeaders: ["host", "x-sdk-date"],
        signature: sig,
      },
    );
    assert.equal(parseAuthorization("SDK-HMAC-SHA256 Access=AK1, Signature=zz"), null);
    assert.equal(parseAuthorization("Bearer x"), null);
    assert.equal(parseSdkDate("20261202T010203Z"), Date.UTC(2026, 11, 2, 1, 2, 3));
    assert.equal(parseSdkDate("20261302T010203Z"), null);
    assert.equal(parseSdkDate("2026-12-02T01:02:03Z"), null);
  });

  it("refuses a signature it has seen until it is forgotten", () => {
    const guard = new ReplayGuard();
    assert.equal(guard.accept("s1", 1000, 0), true);
    assert.equal(guard.accept("s1", 1000, 500), false);
    assert.equal(guard.accept("s2", 1600, 500), true);
    assert.equal(guard.accept("s1", 2000, 1000), true);
  });
});
