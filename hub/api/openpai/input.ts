import type { z } from "zod";
import type { ApiContext, ApiMiddleware } from "../context";
import { validate } from "../middleware/validate";
import { invalidParameters, type PaiError } from "./errors";
import { describeIssue } from "./protocol/v2";

/**
 * validate() in OpenPAI's words: the body (a non-object body read as `{}`), query or path checked
 * against `schema`; a failure is `fail("field: reason")` (400 InvalidParametersError unless told).
 * Read the result with input(ctx, schema).
 */
export function paiInput(
  schema: z.ZodType,
  source: "body" | "query" | "params" = "body",
  fail: (message: string) => PaiError = invalidParameters,
): ApiMiddleware {
  return validate(schema, source, {
    objectBody: true,
    invalid: (error) => fail(describeIssue(error, source)),
  });
}

/** The request body checked against `schema` inside a handler (prefer paiInput on the route). */
export function body<S extends z.ZodType>(
  ctx: ApiContext,
  schema: S,
  fail: (message: string) => PaiError,
): z.infer<S> {
  const raw = (ctx.request as { body?: unknown }).body;
  const result = schema.safeParse(typeof raw === "object" && raw !== null ? raw : {});
  if (!result.success) throw fail(describeIssue(result.error, "body"));
  return result.data;
}
