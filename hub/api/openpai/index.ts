import Router from "@koa/router";
import type { HubConfig } from "../../config";
import type { Core } from "../../core";
import type { ApiContext, ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { bodyLimit, readLimited } from "../middleware/body-limit";
import { compose } from "../middleware/compose";
import { tree } from "../ownership";
import { routesOf } from "../route-table";
import type { Surface, SurfaceFactory } from "../surface";
import { Access, ADMIN_GROUP, DEFAULT_VC, withAcls } from "./access";
import { AttemptHistory } from "./attempts";
import { clusterRoutes } from "./cluster-routes";
import { parseForm } from "./form";
import { openpaiEnv } from "./env";
import { PaiError, paiErrors } from "./errors";
import { groupRoutes } from "./group-routes";
import { jobRoutes } from "./job-routes";
import { Jobs, PULL_SECRET_PREFIX } from "./jobs";
import { logRoutes } from "./log-routes";
import type { OpenpaiRateLimits } from "./rate-limit";
import { sessionRoutes } from "./session-routes";
import { userRoutes } from "./user-routes";
import { v1JobRoutes } from "./v1-job-routes";
import { vcRoutes } from "./vc-routes";
import { VirtualClusters } from "./vc-model";

/**
 * OpenPAI's bootstrap (docs/compat/openpai.md §6): the admin group and the `default` group and VC exist, and
 * every admin (the hub's bootstrap admin included) is in the admin group, every user in default.
 */
export function bootstrapOpenpai(core: Core, access: Access, vcs: VirtualClusters): void {
  const adminGroup = core.groups.ensure(ADMIN_GROUP, "OpenPAI administrators");
  core.groups.save(withAcls(adminGroup, { admin: true }));
  const defaultGroup = core.groups.ensure(DEFAULT_VC, "every user");
  const acls = withAcls(defaultGroup, {}).extension.acls as { virtualClusters: string[] };
  if (!acls.virtualClusters.includes(DEFAULT_VC))
    core.groups.save(withAcls(defaultGroup, { virtualClusters: [...acls.virtualClusters, DEFAULT_VC] }));
  vcs.ensureDefault();
  for (const u of core.users.list()) {
    const groups = [...u.groups];
    if (!groups.includes(DEFAULT_VC)) groups.push(DEFAULT_VC);
    if (u.admin && !groups.includes(ADMIN_GROUP)) groups.push(ADMIN_GROUP);
    if (groups.length !== u.groups.length) access.setGroups(u, groups);
  }
}

/**
 * The v1 SDK client posts job configs form-encoded under a JSON content type; read such bodies
 * as forms so that client works unchanged.
 */
function formUnderJson(): ApiMiddleware {
  return async function formUnderJson(ctx: ApiContext, next) {
    const v1Submit = ctx.method === "POST" && /^\/api\/v1\/(user\/[^/]+\/)?jobs\/?$/.test(ctx.path);
    // DELETE bodies ({groupname}, {value}) are not parsed by the shared body parser.
    if ((!v1Submit && ctx.method !== "DELETE") || !ctx.is("json")) return next();
    // Bounded like every body, by the token checked before reading (body-limit.ts).
    const text = await readLimited(ctx, bodyLimit(ctx));
    let parsed: unknown;
    try {
      parsed = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      if (!v1Submit || !/^[^{[\s][^=]*=/.test(text))
        throw new PaiError(400, "InvalidParametersError", "Request body is not valid JSON.");
      parsed = parseForm(text);
    }
    (ctx.request as { body?: unknown }).body = parsed;
    return next();
  };
}

/** OpenPAI's settings, cut from the hub's (CORRAL_OPENPAI_*). */
export interface OpenpaiConfig {
  rateLimits: OpenpaiRateLimits;
}

export function openpaiConfig(hub: Readonly<HubConfig>): OpenpaiConfig {
  return {
    rateLimits: { listPerMin: hub.openpaiListRatePerMin, submitPerHour: hub.openpaiSubmitRatePerHour },
  };
}

/** The OpenPAI REST surface: every /api/v1 and /api/v2 path no deeper claim takes. */
export const openpaiSurface: SurfaceFactory = ({ core, config }) => openpai(core, openpaiConfig(config));

export function openpai(core: Core, config: OpenpaiConfig): Surface {
  const access = new Access(core);
  const vcs = new VirtualClusters(core);
  // Shares its key (store settings) with the OTE surface's box.
  const jobs = new Jobs(core, vcs, core.secretBox);
  const history = new AttemptHistory(core);

  const router = new Router<ApiState>();
  sessionRoutes(router, core, access);
  userRoutes(router, core, access);
  groupRoutes(router, core, access);
  vcRoutes(router, core, access, vcs);
  jobRoutes(router, core, access, jobs, history, config.rateLimits);
  logRoutes(router, core, access, jobs, history);
  v1JobRoutes(router, core, access, jobs);
  clusterRoutes(router, core, access);
  const noApi: ApiMiddleware = async (ctx) => {
    throw new PaiError(404, "NoApiError", `API ${ctx.url} is not found.`);
  };
  return {
    name: "openpai",
    owns: [tree("/api")],
    routes: compose([formUnderJson(), bodyParser(), router.routes() as unknown as ApiMiddleware, noApi]),
    errors: paiErrors,
    routeTable: [...routesOf(router)],
    hooks: {
      bootstrap: () => bootstrapOpenpai(core, access, vcs),
      envDecorators: [openpaiEnv(core)],
      // Jobs whose image prerequisite carries `auth` pull with it, opened only when sent to an agent.
      pullSecretResolvers: [{ prefix: PULL_SECRET_PREFIX, resolve: (name) => jobs.registryAuth(name) }],
      // VC shares follow the cluster's size: recompute them when nodes come and go (saves only changes).
      onClusterChange: () => vcs.rebalance(),
      // Group acls' virtual clusters make a user a member of those VCs' quota units.
      grants: (user) => access.grants(user),
    },
  };
}
