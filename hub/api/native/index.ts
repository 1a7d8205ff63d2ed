import Router from "@koa/router";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { tree } from "../ownership";
import { routesOf } from "../route-table";
import type { Surface, SurfaceFactory } from "../surface";
import { accessKeyRoutes } from "./access-key-routes";
import { authRoutes } from "./auth-routes";
import { clusterRoutes, joinTokenRoutes } from "./cluster-routes";
import { eventRoutes } from "./event-routes";
import { nativeErrors } from "./errors";
import { nodePoolRoutes } from "./node-pool-routes";
import { nodeRoutes } from "./node-routes";
import { quotaUnitRoutes } from "./quota-unit-routes";
import { sessionCookie } from "./session-cookie";
import { sessionRoutes } from "./session-routes";
import { TUNNEL_ROUTES, tunnelRoutes } from "./tunnel-routes";
import { userRoutes } from "./user-routes";
import { workloadRoutes } from "./workload-routes";

export const NATIVE_PREFIX = "/api/corral/v1";

/** The native API surface, under /api/corral/v1 (docs/native-api.md); it owns all of /api/corral. */
export const nativeSurface: SurfaceFactory = ({ core, config, agentPort }): Surface => {
  const router = new Router<ApiState>({ prefix: NATIVE_PREFIX });
  authRoutes(router, core);
  sessionRoutes(router, core);
  nodeRoutes(router, core);
  nodePoolRoutes(router, core);
  clusterRoutes(router, core);
  joinTokenRoutes(router, core);
  workloadRoutes(router, core);
  accessKeyRoutes(router, core);
  userRoutes(router, core);
  quotaUnitRoutes(router, core);
  eventRoutes(router, core);
  router.get("/hub", (ctx) => {
    // What the console needs to print an agent's install command (--hub HOST:agentPort).
    ctx.body = { agentPort: agentPort?.() ?? config.grpcPort };
  });
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  return {
    name: "native",
    owns: [tree("/api/corral")],
    routes: compose([
      // First: the console's cookie counts as a token for every native route, tunnels included.
      sessionCookie(),
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
