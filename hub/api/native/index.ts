import Router from "@koa/router";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { tree } from "../ownership";
import { routesOf } from "../route-table";
import type { Surface, SurfaceFactory } from "../surface";
import { authRoutes } from "./auth-routes";
import { clusterRoutes, joinTokenRoutes } from "./cluster-routes";
import { nativeErrors } from "./errors";
import { nodePoolRoutes } from "./node-pool-routes";
import { nodeRoutes } from "./node-routes";
import { TUNNEL_ROUTES, tunnelRoutes } from "./tunnel-routes";
import { workloadRoutes } from "./workload-routes";

export const NATIVE_PREFIX = "/api/corral/v1";

/** The native API surface, under /api/corral/v1 (docs/native-api.md); it owns all of /api/corral. */
export const nativeSurface: SurfaceFactory = ({ core }): Surface => {
  const router = new Router<ApiState>({ prefix: NATIVE_PREFIX });
  authRoutes(router, core);
  nodeRoutes(router, core);
  nodePoolRoutes(router, core);
  clusterRoutes(router, core);
  joinTokenRoutes(router, core);
  workloadRoutes(router, core);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  return {
    name: "native",
    owns: [tree("/api/corral")],
    routes: compose([
      // Before the body parser: tunnelled bodies stream to the task untouched.
      tunnelRoutes(core),
      bodyParser(),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ]),
    errors: nativeErrors,
    routeTable: [...routesOf(router), ...TUNNEL_ROUTES],
    hooks: {},
  };
};
