import type { z } from "zod";
import { ValidationError } from "../../core/errors";
import type { ApiMiddleware } from "../context";

type Source = "body" | "query";

/**
 * Validates the body (or query) against a zod schema and puts the parsed value in ctx.state.input.
 * The first issue becomes a ValidationError naming the field (dotted path) and the reason.
 */
export function validate(schema: z.ZodType, source: Source = "body"): ApiMiddleware {
  return async function validate(ctx, next) {
    const raw: unknown = source === "body" ? (ctx.request as { body?: unknown }).body : ctx.query;
    const result = schema.safeParse(raw ?? {});
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : source;
      throw new ValidationError(field, issue?.message ?? "invalid");
    }
    ctx.state.input = result.data;
    await next();
  };
}

/** The validated input, typed by the schema that validated it. */
export function input<S extends z.ZodType>(ctx: { state: { input?: unknown } }, _schema: S): z.infer<S> {
  return ctx.state.input as z.infer<S>;
}

/**
 * Validates the query string into ctx.state.query, for routes that also validate a body with
 * validate() (which keeps ctx.state.input). Errors as validate().
 */
export function validateQuery(schema: z.ZodType): ApiMiddleware {
  return async function validateQuery(ctx, next) {
    const result = schema.safeParse(ctx.query);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "query";
      throw new ValidationError(field, issue?.message ?? "invalid");
    }
    ctx.state.query = result.data;
    await next();
  };
}

/** The query validated by validateQuery(), typed by its schema. */
export function queryInput<S extends z.ZodType>(ctx: { state: { query?: unknown } }, _schema: S): z.infer<S> {
  return ctx.state.query as z.infer<S>;
}

/** Validates the route's path parameters into ctx.state.params (beside a validated body). */
export function validateParams(schema: z.ZodType): ApiMiddleware {
  return async function validateParams(ctx, next) {
    const result = schema.safeParse((ctx as { params?: unknown }).params ?? {});
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "params";
      throw new ValidationError(field, issue?.message ?? "invalid");
    }
    ctx.state.params = result.data;
    await next();
  };
}

/** The path parameters validated by validateParams(), typed by its schema. */
export function paramsInput<S extends z.ZodType>(
  ctx: { state: { params?: unknown } },
  _schema: S,
): z.infer<S> {
  return ctx.state.params as z.infer<S>;
}
