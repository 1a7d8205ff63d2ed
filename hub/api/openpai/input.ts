import type { z } from "zod";
import type { ApiContext } from "../context";
import type { PaiError } from "./errors";
import { describeIssue } from "./protocol/v2";

/** The request body checked against `schema`; a failure is `fail("field: reason")`. */
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
