import type Router from "@koa/router";
import type { ApiState } from "./context";

/**
 * One route a surface answers: its method and its path pattern as the router spells it
 * (`/api/v2/jobs/:fw`). The authorization matrix test (test/integration/authorization-matrix)
 * reads every surface's table and fails on a route with no expected outcome.
 */
export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

/** More methods than any one route lists by hand (GET, POST, PUT, PATCH, DELETE, HEAD): router.all(). */
const ALL_THRESHOLD = 10;

/** The routes of a @koa/router router, from its layer stack (HEAD, added for each GET, left out). */
export function routesOf(router: Router<ApiState>): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const layer of router.stack) {
    // router.all() lists every method Node knows: one ALL row stands for them.
    if (layer.methods.length >= ALL_THRESHOLD) {
      out.push({ method: "ALL", path: String(layer.path) });
      continue;
    }
    for (const method of layer.methods) {
      if (method === "HEAD") continue;
      out.push({ method, path: String(layer.path) });
    }
  }
  return out;
}
