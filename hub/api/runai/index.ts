import Router from "@koa/router";
import type { Logger } from "pino";
import type { Core } from "../../core";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose, surface } from "../middleware/compose";
import { deprecatedRoutes } from "./deprecated-routes";
import { runaiErrors } from "./errors";
import { metricsRoutes } from "./metrics-routes";
import { projectRoutes } from "./project-routes";
import { RunaiProjects } from "./projects";
import { tokenRoute } from "./token-routes";

/**
 * The Run:ai projects surface: POST /api/v1/token (with a grantType; OpenPAI's login otherwise),
 * /api/v1/org-unit/** (projects, departments, metrics, telemetry) and the deprecated
 * /v1/k8s/clusters/{clusterId}/projects family. Errors are `{code, message, details?}`.
 */
export function runaiApi(core: Core, logger: Logger): ApiMiddleware {
  const projects = new RunaiProjects(core);
  const router = new Router<ApiState>();
  // Metrics and telemetry first: /projects/telemetry must not match /projects/:id.
  metricsRoutes(router, core, projects);
  projectRoutes(router, core, projects);
  deprecatedRoutes(router, core, projects);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  const errors = runaiErrors(logger);
  return compose([
    // The token path is shared: the token middleware is last in its stack, so a body without
    // grantType goes on (next) to the OpenPAI surface mounted after this one.
    surface((p) => p === "/api/v1/token", [errors, bodyParser(), tokenRoute(core)]),
    surface(
      (p) => p.startsWith("/api/v1/org-unit/") || /^\/v1\/k8s\/clusters\/[^/]+\/projects(\/|$)/.test(p),
      [
        errors,
        bodyParser(),
        router.routes() as unknown as ApiMiddleware,
        router.allowedMethods() as unknown as ApiMiddleware,
        notFound,
      ],
    ),
  ]);
}
