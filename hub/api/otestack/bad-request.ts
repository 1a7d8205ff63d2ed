import type { z } from "zod";
import type { ApiMiddleware } from "../context";
import type { ErrorAnswer } from "../middleware/errors";
import { validate } from "../middleware/validate";

/**
 * A bad parameter on the routes whose document says 400 (the repository routes, which OTE-stack
 * forwards to Harbor); every other route answers 422 (README: OTE-stack compatibility).
 */
export class OteBadRequest extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** `validate` answering 400 with the field and the reason. */
export function validate400(schema: z.ZodType, source: "body" | "query" | "params" = "body"): ApiMiddleware {
  return validate(schema, source, {
    invalid: (error, src) => {
      const issue = error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : src;
      return new OteBadRequest(field, issue?.message ?? "is invalid");
    },
  });
}

export const renderBadRequest = (err: unknown): ErrorAnswer | null =>
  err instanceof OteBadRequest
    ? { status: 400, body: { code: 400, message: err.message, field: err.field, reason: err.reason } }
    : null;
