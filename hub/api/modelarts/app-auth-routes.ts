import type Router from "@koa/router";
import type { ApiState } from "../context";
import { appAuthApiRoutes } from "./app-auth-api-routes";
import { appAuthAppRoutes } from "./app-auth-app-routes";
import type { ModelArtsDeps } from "./deps";
import type { ServiceDirectory } from "./inference-contract";

/**
 * Until the real-time services side is wired in index.ts, no service is known: the service-scoped
 * app-auth routes answer "service not found" and the app routes work as they will.
 */
export const NO_SERVICES: ServiceDirectory = { find: () => undefined };

/**
 * App authentication (ModelArts "APP认证管理", Table 8 of the API overview): apps, app codes,
 * AppSecrets, the APIs registered for real-time services and their authorizations. `directory`
 * is the services side's lookup (inference-contract.ts). The gate for inference calls is
 * `appCallGate` in app-auth-gate.ts.
 */
export function appAuthRoutes(
  router: Router<ApiState>,
  deps: ModelArtsDeps,
  directory: ServiceDirectory,
): void {
  appAuthAppRoutes(router, deps);
  appAuthApiRoutes(router, deps, directory);
}
