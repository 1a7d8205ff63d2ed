import type Router from "@koa/router";
import { WORK_KINDS } from "../../core/quota-units";
import type { ApiState } from "../context";
import type { ModelArtsDeps } from "./deps";

/** How many resource pools (core clusters) and workspaces an account may have. @default 100, 1000 */
export const POOL_QUOTA = 100;
export const WORKSPACE_QUOTA = 1000;

/**
 * OS quotas (`GET /v1/{project_id}/quotas`): what the hub has against its limits, as strings
 * (the SDK's ResourceQuota): resource pools are clusters, and workspaces the units that hold work.
 */
export function osQuotaRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  router.get("/v1/:project_id/quotas", deps.auth, (ctx) => {
    const resources = [
      { type: "pool", quota: String(POOL_QUOTA), used: String(core.clusters.list().length) },
      {
        type: "workspace",
        quota: String(WORKSPACE_QUOTA),
        used: String(core.quotaUnits.listKinds(WORK_KINDS).length),
      },
      { type: "node", quota: "-1", used: String(core.nodes.list().length) },
    ];
    ctx.body = { quotas: { resources } };
  });
}
