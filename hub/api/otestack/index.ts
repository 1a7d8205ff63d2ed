import Router from "@koa/router";
import type { Logger } from "pino";
import type { Core } from "../../core";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { surface } from "../middleware/compose";
import { appRoutes } from "./app-routes";
import { businessRoutes } from "./business-routes";
import { clusterRoutes } from "./cluster-routes";
import { deployRoutes } from "./deploy-routes";
import { oteErrors } from "./envelope";
import { profile, withProfile } from "./identity";
import { repositoryRoutes } from "./repository-routes";
import type { OteSettings } from "./settings";
import { authorizationRoutes, userRoutes } from "./user-routes";

/** OTE-stack's paths: /v1/... except /v1/k8s/... (Run:ai's, mounted before this surface). */
export const isOtePath = (p: string): boolean =>
  (p === "/v1" || p.startsWith("/v1/")) && p !== "/v1/k8s" && !p.startsWith("/v1/k8s/");

/** The OTE-stack open-api surface (README: OTE-stack compatibility). */
export function otestackApi(core: Core, logger: Logger, settings: OteSettings): ApiMiddleware {
  // The hub's administrators are OTE system administrators (role 4), approved.
  for (const u of core.users.list()) {
    if (u.admin && u.extension["otestack"] === undefined)
      core.users.save(withProfile(u, { ...profile(u), role: 4, status: 1 }));
  }
  const router = new Router<ApiState>({ prefix: "/v1" });
  authorizationRoutes(router, core);
  userRoutes(router, core);
  businessRoutes(router, core);
  clusterRoutes(router, core);
  repositoryRoutes(router, core, settings);
  appRoutes(router, core);
  deployRoutes(router, core, settings);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  return surface(isOtePath, [
    oteErrors(logger),
    bodyParser(),
    router.routes() as unknown as ApiMiddleware,
    router.allowedMethods() as unknown as ApiMiddleware,
    notFound,
  ]);
}
