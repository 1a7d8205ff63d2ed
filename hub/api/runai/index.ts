import Router from "@koa/router";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { route, tree } from "../ownership";
import { routesOf } from "../route-table";
import type { Surface, SurfaceFactory } from "../surface";
import { deprecatedDepartmentRoutes } from "./deprecated-department-routes";
import { deprecatedRoutes } from "./deprecated-routes";
import { runaiErrors } from "./errors";
import { metricsRoutes } from "./metrics-routes";
import { projectRoutes } from "./project-routes";
import { RunaiProjects } from "./projects";
import { hasGrantType, TOKEN_PATH, tokenRoutes } from "./token-routes";

/**
 * The Run:ai projects surface: POST /api/v1/token with a grantType (OpenPAI's login otherwise),
 * /api/v1/org-unit/** (projects, departments, metrics, telemetry) and the deprecated
 * /v1/k8s/clusters/{clusterId}/projects family. Errors are `{code, message, details?}`.
 */
export const runaiSurface: SurfaceFactory = ({ core }): Surface => {
  const projects = new RunaiProjects(core);
  const router = new Router<ApiState>();
  // Metrics and telemetry first: /projects/telemetry must not match /projects/:id.
  metricsRoutes(router, core, projects);
  projectRoutes(router, core, projects);
  deprecatedRoutes(router, core, projects);
  deprecatedDepartmentRoutes(router, core, projects);
  tokenRoutes(router, core);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  return {
    name: "runai",
    owns: [route("POST", TOKEN_PATH, hasGrantType), tree("/api/v1/org-unit"), tree("/v1/k8s")],
    routes: compose([
      bodyParser(),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ]),
    errors: runaiErrors,
    routeTable: [...routesOf(router)],
    hooks: {},
  };
};
