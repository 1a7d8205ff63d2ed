import type Router from "@koa/router";
import type { ApiState } from "../context";
import { appAuthApiRoutes } from "./app-auth-api-routes";
import { appAuthAppRoutes } from "./app-auth-app-routes";
import type { ModelArtsDeps } from "./deps";
import type { ServiceDirectory } from "./inference-contract";

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
