import type { z } from "zod";
import { ValidationError } from "../../core/errors";
import type { ApiMiddleware } from "../context";

type Source = "body" | "query" | "params";

export interface ValidateOptions {
  /**
   * The error to throw for invalid input, in the surface's words (OpenPAI's
   * InvalidParametersError). @default a ValidationError naming the first issue's field
   */
  invalid?: (error: z.ZodError, source: Source) => Error;
  /** A body that is not a JSON object (a text body) is read as `{}`. @default false */
  objectBody?: boolean;
}

/**
 * Validates the body, query or path parameters against a zod schema; the parsed value is what
 * `input(ctx, schema)` returns (several sources can be validated on one route). The first issue
 * becomes a ValidationError naming the field (dotted path) and the reason.
 */
export function validate(
  schema: z.ZodType,
  source: Source = "body",
  options: ValidateOptions = {},
): ApiMiddleware {
  return async function validate(ctx, next) {
    let raw: unknown =
      source === "body"
        ? (ctx.request as { body?: unknown }).body
        : source === "query"
          ? ctx.query
          : ctx.params;
    if (options.objectBody && (typeof raw !== "object" || raw === null)) raw = {};
    const result = schema.safeParse(raw ?? {});
    if (!result.success) {
      if (options.invalid) throw options.invalid(result.error, source);
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : source;
      throw new ValidationError(field, issue?.message ?? "invalid");
    }
    ctx.state.input = result.data;
    (ctx.state.inputs ??= new Map()).set(schema, result.data);
    await next();
  };
}

/**
 * The validated input, typed by the schema that validated it (falling back to the last input
 * validated, for routes that validate one source).
 */
export function input<S extends z.ZodType>(
  ctx: { state: { input?: unknown; inputs?: Map<z.ZodType, unknown> } },
  schema: S,
): z.infer<S> {
  const inputs = ctx.state.inputs;
  return (inputs?.has(schema) ? inputs.get(schema) : ctx.state.input) as z.infer<S>;
}

/** The validated path parameters, typed by the schema that validated them. */
export function params<S extends z.ZodType>(ctx: { state: { params?: unknown } }, _schema: S): z.infer<S> {
  return ctx.state.params as z.infer<S>;
}
