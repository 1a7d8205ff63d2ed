import Koa from "koa";
import type { Logger } from "pino";
import type { Core } from "../core";
import type { ApiMiddleware, ApiState } from "./context";
import { healthRoutes, type HubGauges } from "./health";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { nativeApi } from "./native";
import { runaiApi } from "./runai";
import { openpaiApi } from "./openpai";
import type { OpenpaiRateLimits } from "./openpai/rate-limit";
import { otestackApi } from "./otestack";
import type { OteSettings } from "./otestack/settings";

/**
 * The hub's HTTP app: request id and log first, then health and each API surface. A surface is a
 * middleware that answers its own paths with its own error shape; later issues add OpenPAI,
 * OTE-stack, Run:ai and ModelArts here, each from its own folder.
 */
export function createApp(
  core: Core,
  logger: Logger,
  gauges: HubGauges,
  extraSurfaces: ApiMiddleware[] = [],
  openpaiLimits?: OpenpaiRateLimits,
  otestack: OteSettings = { registryUrl: null, adminAutoDeploy: true },
): Koa<ApiState> {
  const app = new Koa<ApiState>();
  app.proxy = false;
  app.silent = true;
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(healthRoutes(core, gauges));
  // Mount order matters where paths overlap: Run:ai before OpenPAI (both serve POST /api/v1/token,
  // told apart by the body; Run:ai owns /api/v1/org-unit) and before OTE-stack (Run:ai owns
  // /v1/k8s/...; OTE-stack answers the rest of /v1/...). OpenPAI answers every other /api/v1 and
  // /api/v2 path, unknown ones with its NoApiError.
  app.use(nativeApi(core, logger));
  app.use(runaiApi(core, logger));
  app.use(openpaiApi(core, logger, openpaiLimits));
  app.use(otestackApi(core, logger, otestack));
  for (const s of extraSurfaces) app.use(s);
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { code: "not_found", message: `no API at ${ctx.path}` };
  });
  return app;
}
