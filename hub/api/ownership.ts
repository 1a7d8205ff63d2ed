import type { Logger } from "pino";
import type { ApiContext, ApiMiddleware } from "./context";
import { bodyParser } from "./middleware/body";
import { compose } from "./middleware/compose";
import { surfaceErrors } from "./middleware/errors";
import type { PathClaim, Surface } from "./surface";

/**
 * Which surface answers which path: the one place where shared paths are decided.
 *
 * A surface claims path trees by their leading segments. The deepest claim that matches wins, so
 * a surface can claim a branch of another's tree: Run:ai's `/v1/k8s` beats OTE-stack's `/v1`,
 * native's `/api/corral` beats OpenPAI's `/api`, and ModelArts's `/v1/{project_id}` (a
 * project-id-shaped second segment, PROJECT_ID) will beat OTE-stack's `/v1` the same way. At equal
 * depth a claim limited to one method or some requests (`when`) is tried first; then the order of
 * registration (SURFACES).
 *
 * Shared today:
 * - `POST /api/v1/token`: Run:ai when the body has `grantType`, else OpenPAI's login (`/api`).
 * - `/api/v1/org-unit/...`: Run:ai; every other `/api/v1` and `/api/v2` path: OpenPAI.
 * - `/v1/k8s/...`: Run:ai; every other `/v1/...` path: OTE-stack.
 */

/** A ModelArts / IAM project id (32 lowercase hex digits), as in `/v1/{project_id}/...`. */
export const PROJECT_ID = /^[0-9a-f]{32}$/;

const split = (path: string): string[] => path.split("/").slice(1);

/** `path` and every path below it. */
export const tree = (path: string): PathClaim => ({ segments: split(path) });

/** `/{version}/{project_id}` and below: the ModelArts way of scoping paths by project. */
export const projectTree = (version: string): PathClaim => ({ segments: [version, PROJECT_ID] });

/** Exactly `method path`, for the requests `when` accepts. */
export const route = (method: string, path: string, when: (ctx: ApiContext) => boolean): PathClaim => ({
  segments: split(path),
  exact: true,
  method,
  when,
});

/** True when the parsed body is an object with `field` (Run:ai's token grant has `grantType`). */
export const bodyHas =
  (field: string) =>
  (ctx: ApiContext): boolean => {
    const body = (ctx.request as { body?: unknown }).body;
    return typeof body === "object" && body !== null && field in body;
  };

export function claimsPath(claim: PathClaim, path: string): boolean {
  const segments = split(path);
  if (segments.length < claim.segments.length) return false;
  if (claim.exact && segments.length !== claim.segments.length) return false;
  return claim.segments.every((want, i) => {
    const got = segments[i] as string;
    return typeof want === "string" ? want === got : want.test(got);
  });
}

export interface RouteEntry {
  readonly surface: Surface;
  readonly claim: PathClaim;
}

/** At equal depth: a claim for one method or some requests before a claim for all. */
const narrowness = (c: PathClaim): number => Number(c.method !== undefined) + Number(c.when !== undefined);

/** Every claim of every surface, in the order they are tried (see the rule above). */
export function routeTable(surfaces: readonly Surface[]): RouteEntry[] {
  const entries = surfaces.flatMap((surface, s) =>
    surface.owns.map((claim, c) => ({ surface, claim, rank: [s, c] as const })),
  );
  entries.sort(
    (a, b) =>
      b.claim.segments.length - a.claim.segments.length ||
      narrowness(b.claim) - narrowness(a.claim) ||
      a.rank[0] - b.rank[0] ||
      a.rank[1] - b.rank[1],
  );
  return entries.map(({ surface, claim }) => ({ surface, claim }));
}

/**
 * The surface that answers this request, or null when none claims it; "answered" when reading
 * the body for a `when` failed and the claiming surface has already answered (400).
 */
export async function ownerOf(
  table: readonly RouteEntry[],
  ctx: ApiContext,
  errorsOf: ReadonlyMap<Surface, ApiMiddleware>,
): Promise<Surface | "answered" | null> {
  for (const { surface, claim } of table) {
    if (!claimsPath(claim, ctx.path) || (claim.method && claim.method !== ctx.method)) continue;
    const when = claim.when;
    if (!when) return surface;
    const decision: { accepted: boolean | null } = { accepted: null };
    // Read the body inside the surface's error middleware: a malformed body is its answer.
    await (errorsOf.get(surface) as ApiMiddleware)(ctx, () =>
      readBody(ctx, async () => {
        decision.accepted = when(ctx);
      }),
    );
    if (decision.accepted === null) return "answered";
    if (decision.accepted) return surface;
  }
  return null;
}

const readBody = bodyParser();

/**
 * The hub's one route table as a middleware: each request runs through its owner's stack (the
 * error factory with the owner's renderer first); a path nobody owns goes on to `next`.
 */
export function dispatcher(surfaces: readonly Surface[], logger: Logger): ApiMiddleware {
  const table = routeTable(surfaces);
  const errorsOf = new Map(surfaces.map((s) => [s, surfaceErrors(s.name, s.errors, logger)]));
  const stacks = new Map(surfaces.map((s) => [s, compose([errorsOf.get(s) as ApiMiddleware, s.routes])]));
  return async function dispatch(ctx, next) {
    const owner = await ownerOf(table, ctx, errorsOf);
    if (owner === "answered") return;
    if (owner === null) return next();
    await (stacks.get(owner) as ApiMiddleware)(ctx, next);
  };
}
