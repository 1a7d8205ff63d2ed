import Router from "@koa/router";
import type { Logger } from "pino";
import type { Core } from "../../core";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { surface } from "../middleware/compose";
import { authRoutes } from "./auth-routes";
import { clusterRoutes, joinTokenRoutes } from "./cluster-routes";
import { nativeErrors } from "./errors";
import { nodePoolRoutes } from "./node-pool-routes";
import { nodeRoutes } from "./node-routes";
import { workloadRoutes } from "./workload-routes";

export const NATIVE_PREFIX = "/api/corral/v1";

/** The native API surface, mounted under /api/corral/v1 (docs/native-api.md). */
export function nativeApi(core: Core, logger: Logger): ApiMiddleware {
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
  return surface(
    (p) => p === NATIVE_PREFIX || p.startsWith(`${NATIVE_PREFIX}/`),
    [
      nativeErrors(logger),
      bodyParser(),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ],
  );
}
