import Router from "@koa/router";
import type { HubConfig } from "../../config";
import type { Core } from "../../core";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { tree } from "../ownership";
import { routesOf } from "../route-table";
import type { Surface, SurfaceFactory } from "../surface";
import { appRoutes } from "./app-routes";
import { businessRoutes } from "./business-routes";
import { clusterRoutes } from "./cluster-routes";
import { deployRoutes } from "./deploy-routes";
import { oteErrors } from "./envelope";
import { oteGrants } from "./grants";
import { profile, withProfile } from "./identity";
import { repositoryRoutes } from "./repository-routes";
import { repositorySpaceRoutes } from "./repository-space-routes";
import type { OteSettings } from "./settings";
import { authorizationRoutes, userRoutes } from "./user-routes";

/** The hub's administrators are OTE system administrators (role 4), approved. */
function bootstrapOtestack(core: Core): void {
  for (const u of core.users.list()) {
    if (u.admin && u.extension["otestack"] === undefined)
      core.users.save(withProfile(u, { ...profile(u), role: 4, status: 1 }));
  }
}

/** The OTE-stack settings out of the hub's config. */
export const otestackConfig = (config: HubConfig): OteSettings => ({
  registryUrl: config.registryUrl ?? null,
  adminAutoDeploy: config.oteAdminAutoDeploy,
});

/** The OTE-stack open-api surface (README: OTE-stack compatibility): every /v1 path no deeper claim takes. */
export const otestackSurface: SurfaceFactory = ({ core, config }) => otestack(core, otestackConfig(config));

export function otestack(core: Core, settings: OteSettings): Surface {
  const router = new Router<ApiState>({ prefix: "/v1" });
  authorizationRoutes(router, core, settings);
  userRoutes(router, core);
  businessRoutes(router, core);
  clusterRoutes(router, core);
  repositoryRoutes(router, core, settings);
  repositorySpaceRoutes(router, core, settings);
  appRoutes(router, core);
  deployRoutes(router, core, settings);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  return {
    name: "otestack",
    owns: [tree("/v1")],
    routes: compose([
      bodyParser(),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ]),
    errors: oteErrors,
    routeTable: [...routesOf(router)],
    // Pull secrets of external repositories are core registry credentials: core resolves them.
    hooks: { bootstrap: () => bootstrapOtestack(core), grants: oteGrants(core) },
  };
}
