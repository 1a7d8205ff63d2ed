import assert from "node:assert/strict";
import { Writable } from "node:stream";
import pino from "pino";
import type { ApiContext } from "../../../../hub/api/context";
import { type ErrorRenderer, surfaceErrors } from "../../../../hub/api/middleware/errors";
import { nativeErrors } from "../../../../hub/api/native/errors";
import { fromCore, PaiError, paiErrors } from "../../../../hub/api/openpai/errors";
import { oteErrors } from "../../../../hub/api/otestack/envelope";
import { runaiErrors } from "../../../../hub/api/runai/errors";
import {
  AgentUnavailableError,
  ConflictError,
  type CorralError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from "../../../../hub/core/errors";

/** One error of every kind the core throws. */
const CORE_ERRORS: Record<CorralError["kind"], CorralError> = {
  invalid: new ValidationError("cpu", "must be positive"),
  unauthenticated: new UnauthenticatedError("bad token"),
  forbidden: new ForbiddenError("admin rights required"),
  not_found: new NotFoundError("workload", "w1"),
  conflict: new ConflictError("name taken"),
  unavailable: new AgentUnavailableError("agent gone"),
  rate_limited: new RateLimitedError("slow down", 7),
};
/** What Koa / koa-body throw for a malformed JSON body and for one too large. */
const badJson = Object.assign(new Error("Unexpected token } in JSON"), { status: 400, expose: true });
const tooLarge = Object.assign(new Error("request entity too large"), { status: 413, expose: true });

/** Runs the factory's middleware around a handler that throws `err`; returns the answer and the log. */
async function answer(renderer: ErrorRenderer, err: unknown) {
  const lines: string[] = [];
  const logger = pino(
    { level: "error" },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const headers: Record<string, string> = {};
  const ctx = {
    state: { requestId: "req-7" },
    status: 404,
    body: undefined as unknown,
    set: (name: string, value: string) => {
      headers[name] = value;
    },
  };
  await surfaceErrors(
    "test",
    renderer,
    logger,
  )(ctx as unknown as ApiContext, async () => {
    throw err;
  });
  return { status: ctx.status, body: ctx.body, log: lines.join(""), headers };
}

type Expected = Record<CorralError["kind"] | "badJson" | "tooLarge" | "internal", [number, unknown]>;

function expectAll(renderer: ErrorRenderer, expected: Expected) {
  for (const [kind, err] of Object.entries(CORE_ERRORS)) {
    it(`answers a ${kind} core error`, async () => {
      const got = await answer(renderer, err);
      assert.deepEqual([got.status, got.body], expected[kind as CorralError["kind"]]);
      assert.equal(got.log, "", "typed errors are not logged as failures");
      if (err instanceof RateLimitedError) assert.equal(got.headers["Retry-After"], "7");
    });
  }
  it("answers Koa's request errors (malformed JSON, too large)", async () => {
    const bad = await answer(renderer, badJson);
    assert.deepEqual([bad.status, bad.body], expected.badJson);
    const large = await answer(renderer, tooLarge);
    assert.deepEqual([large.status, large.body], expected.tooLarge);
  });
  it("answers an unknown error with a 500 naming the request id; the stack goes to the log only", async () => {
    const got = await answer(renderer, new TypeError("secret-internal-detail"));
    assert.deepEqual([got.status, got.body], expected.internal);
    assert.ok(!JSON.stringify(got.body).includes("secret-internal-detail"));
    assert.match(got.log, /secret-internal-detail/);
    assert.match(got.log, /"requestId":"req-7"/);
    assert.match(got.log, /TypeError/);
  });
}

describe("api: the error middleware factory", () => {
  describe("with the native renderer", () => {
    expectAll(nativeErrors, {
      invalid: [400, { code: "invalid_argument", message: "cpu: must be positive", field: "cpu" }],
      unauthenticated: [401, { code: "unauthenticated", message: "bad token" }],
      forbidden: [403, { code: "permission_denied", message: "admin rights required" }],
      not_found: [404, { code: "not_found", message: 'workload "w1" not found' }],
      conflict: [409, { code: "conflict", message: "name taken" }],
      unavailable: [502, { code: "agent_unavailable", message: "agent gone" }],
      rate_limited: [429, { code: "rate_limited", message: "slow down" }],
      badJson: [400, { code: "invalid_argument", message: "Unexpected token } in JSON" }],
      tooLarge: [413, { code: "request_error", message: "request entity too large" }],
      internal: [500, { code: "internal", message: "internal error", requestId: "req-7" }],
    });
  });

  describe("with the Run:ai renderer", () => {
    expectAll(runaiErrors, {
      invalid: [400, { code: 400, message: "cpu: must be positive", details: "field cpu: must be positive" }],
      unauthenticated: [401, { code: 401, message: "bad token" }],
      forbidden: [403, { code: 403, message: "admin rights required" }],
      not_found: [404, { code: 404, message: 'workload "w1" not found' }],
      conflict: [409, { code: 409, message: "name taken" }],
      unavailable: [503, { code: 503, message: "agent gone" }],
      rate_limited: [429, { code: 429, message: "slow down" }],
      badJson: [400, { code: 400, message: "Unexpected token } in JSON" }],
      tooLarge: [413, { code: 413, message: "request entity too large" }],
      internal: [500, { code: 500, message: "internal error", details: "request id req-7" }],
    });
  });

  describe("with the OTE-stack renderer", () => {
    expectAll(oteErrors, {
      invalid: [
        422,
        { code: 422, message: "cpu: must be positive", field: "cpu", reason: "must be positive" },
      ],
      unauthenticated: [401, { code: 401, message: "bad token" }],
      forbidden: [403, { code: 403, message: "admin rights required" }],
      not_found: [404, { code: 404, message: 'workload "w1" not found' }],
      conflict: [409, { code: 409, message: "name taken" }],
      unavailable: [502, { code: 502, message: "agent gone" }],
      rate_limited: [429, { code: 429, message: "slow down" }],
      badJson: [422, { code: 422, message: "Unexpected token } in JSON", field: "body" }],
      tooLarge: [413, { code: 413, message: "request entity too large", field: "body" }],
      internal: [500, { code: 500, message: "internal error", requestId: "req-7" }],
    });
  });

  describe("with the OpenPAI renderer", () => {
    expectAll(paiErrors, {
      invalid: [400, { code: "InvalidParametersError", message: "cpu: must be positive" }],
      unauthenticated: [401, { code: "UnauthorizedUserError", message: "Your token is invalid." }],
      forbidden: [403, { code: "ForbiddenUserError", message: "admin rights required" }],
      not_found: [404, { code: "NoJobError", message: "Job w1 is not found." }],
      conflict: [409, { code: "ConflictError", message: "name taken" }],
      unavailable: [502, { code: "UnknownError", message: "agent gone" }],
      rate_limited: [429, { code: "TooManyRequestsError", message: "slow down" }],
      badJson: [400, { code: "InvalidParametersError", message: "Unexpected token } in JSON" }],
      tooLarge: [413, { code: "InvalidParametersError", message: "request entity too large" }],
      internal: [500, { code: "UnknownError", message: "internal error (request req-7)" }],
    });

    it("answers its own PaiError with the PaiError's status and code", async () => {
      const got = await answer(paiErrors, new PaiError(403, "NoEnoughQuotaError", "No enough quota"));
      assert.deepEqual(
        [got.status, got.body],
        [403, { code: "NoEnoughQuotaError", message: "No enough quota" }],
      );
    });

    it("words not-found errors by resource, and keeps the factory's status for every kind", async () => {
      const byResource: [NotFoundError, string][] = [
        [new NotFoundError("user", "bob"), "NoUserError"],
        [new NotFoundError("group", "g"), "NoGroupError"],
        [new NotFoundError("task logs", "t1"), "NoTaskLogError"],
        [new NotFoundError("node", "n1"), "NoApiError"],
      ];
      for (const [err, code] of byResource) {
        const got = await answer(paiErrors, err);
        assert.equal(got.status, 404);
        assert.equal((got.body as { code: string }).code, code);
      }
      for (const err of Object.values(CORE_ERRORS)) {
        assert.equal(fromCore(err).status, (await answer(paiErrors, err)).status, err.kind);
      }
    });
  });
});
