/**
 * Query-string schemas of the Run:ai routes (validated with validate(..., "query") or
 * validate(schema, "query")): list grammar, metric ranges and types, telemetry, deprecated flags. Parsers
 * that throw ValidationError (filterBy, start/end) run here, so handlers get typed values.
 */
import { z } from "zod";
import { ValidationError } from "../../core/errors";
import { GROUPS, METRIC_TYPES, parseRange, TELEMETRY } from "./metrics";
import { FIELDS, parseFilters } from "./query";

/** A parameter given once, several times or comma-joined: its values. */
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).filter(Boolean),
  );

/** An integer parameter in min..max; absent or empty: `dflt`. */
const int = (dflt: number, min: number, max: number) =>
  z.preprocess(
    (v) => (v === undefined || v === "" ? dflt : Number(v)),
    z
      .number(`must be an integer ${min}..${max}`)
      .int(`must be an integer ${min}..${max}`)
      .min(min, `must be an integer ${min}..${max}`)
      .max(max, `must be an integer ${min}..${max}`),
  );

/** Turns a ValidationError of `fn` into a zod issue at its field. */
function parsing<T>(fn: () => T, ctx: z.RefinementCtx): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    ctx.addIssue({ code: "custom", path: [err.field], message: err.reason });
    return z.NEVER;
  }
}

const fieldNames = Object.keys(FIELDS) as [string, ...string[]];

/** filterBy / search / sortBy / sortOrder / offset / limit of the project and department lists. */
export const ListQuery = z.object({
  filterBy: list.transform((v, ctx) => parsing(() => parseFilters(v), ctx)),
  search: z.string().optional(),
  sortBy: z.enum(fieldNames, `must be one of ${fieldNames.join(", ")}`).optional(),
  sortOrder: z.enum(["asc", "desc"], "must be asc or desc").optional(),
  offset: int(0, 0, Number.MAX_SAFE_INTEGER),
  limit: int(50, 1, 500),
});
export type ListQuery = z.infer<typeof ListQuery>;

const RangeFields = {
  start: z.string().optional(),
  end: z.string().optional(),
  numberOfSamples: z.string().optional(),
  nodepoolName: z.string().optional(),
};

/** start/end (optional) and numberOfSamples of the deprecated metrics endpoints. */
export const DeprecatedMetricsQuery = z
  .object(RangeFields)
  .transform((q, ctx) => ({ ...q, range: parsing(() => parseRange(q, false), ctx) }));

const metricNames = Object.keys(METRIC_TYPES);
/** metricType (one or more), start and end (required) and numberOfSamples of a project's metrics. */
export const MetricsQuery = z
  .object({
    ...RangeFields,
    metricType: list.pipe(
      z
        .array(z.enum(metricNames as [string, ...string[]], `must be one of ${metricNames.join(", ")}`))
        .min(1, "is required"),
    ),
  })
  .transform((q, ctx) => {
    const range = parsing(() => parseRange(q, true), ctx);
    return { ...q, range: range as NonNullable<typeof range> };
  });

const telemetryNames = Object.keys(TELEMETRY) as [string, ...string[]];
const telemetryType = z.enum(telemetryNames, `must be one of ${telemetryNames.join(", ")}`);
/** telemetryType, up to two groupBy keys and the clusterId / nodepoolId / departmentId filters. */
export const TelemetryQuery = z.object({
  telemetryType,
  clusterId: z.string().optional(),
  nodepoolId: z.string().optional(),
  departmentId: z.string().optional(),
  groupBy: list.pipe(
    z.array(z.enum(GROUPS, "unknown group")).max(2, "at most 2 of ClusterId, NodepoolId, ParentId"),
  ),
});
export type TelemetryQuery = z.infer<typeof TelemetryQuery>;

/** The departments' telemetry: filters clusterId / nodepoolName / departmentId, groupBy CLUSTER_ID. */
export const DepartmentTelemetryQuery = z.object({
  telemetryType,
  clusterId: z.string().optional(),
  nodepoolName: z.string().optional(),
  departmentId: z.string().optional(),
  groupBy: list.pipe(z.array(z.enum(["CLUSTER_ID"], "must be CLUSTER_ID")).max(2, "at most 2 groups")),
});

/** The deprecated family's flags: "true" turns one on, anything else leaves it off. */
const flag = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => v === "true");
export const DeprecatedQuery = z.object({ excludePermissions: flag, memoryUnitMb: flag });
export type DeprecatedQuery = z.infer<typeof DeprecatedQuery>;
