import assert from "node:assert/strict";
import { z } from "zod";
import type { ApiContext } from "../../../../hub/api/context";
import { input, validate } from "../../../../hub/api/middleware/validate";
import { ValidationError } from "../../../../hub/core/errors";

const fakeCtx = (parts: { body?: unknown; query?: unknown; params?: unknown }) =>
  ({
    request: { body: parts.body },
    query: parts.query ?? {},
    params: parts.params ?? {},
    state: {},
  }) as unknown as ApiContext;

const run = (mw: ReturnType<typeof validate>, ctx: ApiContext) => mw(ctx, async () => undefined);

describe("api: validate()", () => {
  const Params = z.object({ index: z.coerce.number().int().min(0) });
  const Query = z.object({ tail: z.coerce.number().default(0) });
  const Body = z.object({ name: z.string() });

  it("keeps each validated source by its schema, so one route can validate path, query and body", async () => {
    const ctx = fakeCtx({ params: { index: "2" }, query: { tail: "5" }, body: { name: "a" } });
    await run(validate(Params, "params"), ctx);
    await run(validate(Query, "query"), ctx);
    await run(validate(Body), ctx);
    assert.deepEqual(input(ctx, Params), { index: 2 });
    assert.deepEqual(input(ctx, Query), { tail: 5 });
    assert.deepEqual(input(ctx, Body), { name: "a" });
  });

  it("names the field of the first issue, or the source for the whole input", async () => {
    await assert.rejects(run(validate(Params, "params"), fakeCtx({ params: { index: "-1" } })), (err) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.field, "index");
      return true;
    });
    await assert.rejects(run(validate(Body), fakeCtx({ body: "text" })), (err) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.field, "body");
      return true;
    });
  });

  it("throws the surface's own error when told, and may read a non-object body as {}", async () => {
    class SurfaceError extends Error {}
    const mw = validate(Body, "body", {
      objectBody: true,
      invalid: (e, source) => new SurfaceError(`${source}:${e.issues[0]?.path.join(".")}`),
    });
    await assert.rejects(run(mw, fakeCtx({ body: "text" })), (err) => {
      assert.ok(err instanceof SurfaceError);
      assert.equal(err.message, "body:name", "the text body was read as {}: name is missing");
      return true;
    });
  });
});
