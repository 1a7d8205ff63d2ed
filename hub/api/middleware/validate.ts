import type { z } from "zod";
import { ValidationError } from "../../core/errors";
import type { ApiMiddleware } from "../context";

type Source = "body" | "query" | "params";

/**
 * Validates the body (or query) against a zod schema and puts the parsed value in ctx.state.input;
 * path parameters ("params") go to ctx.state.params instead, so a route can validate both.
 * The first issue becomes a ValidationError naming the field (dotted path) and the reason.
 */
export function validate(schema: z.ZodType, source: Source = "body"): ApiMiddleware {
  return async function validate(ctx, next) {
    const raw: unknown =
      source === "body"
        ? (ctx.request as { body?: unknown }).body
        : source === "params"
          ? (ctx as { params?: unknown }).params
          : ctx.query;
    const result = schema.safeParse(raw ?? {});
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : source;
      throw new ValidationError(field, issue?.message ?? "invalid");
    }
    if (source === "params") ctx.state.params = result.data;
    else ctx.state.input = result.data;
    await next();
  };
}

/** The validated input, typed by the schema that validated it. */
export function input<S extends z.ZodType>(ctx: { state: { input?: unknown } }, _schema: S): z.infer<S> {
  return ctx.state.input as z.infer<S>;
}

/** The validated path parameters, typed by the schema that validated them. */
export function params<S extends z.ZodType>(ctx: { state: { params?: unknown } }, _schema: S): z.infer<S> {
  return ctx.state.params as z.infer<S>;
}
