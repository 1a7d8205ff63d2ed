import Koa from "koa";
import type { Logger } from "pino";
import type { Core } from "../core";
import { consoleAssets } from "./console/static";
import type { ApiState } from "./context";
import { healthRoutes, type HubGauges } from "./health";
import { hsts } from "./middleware/hsts";
import { bodyAllowance } from "./middleware/body-limit";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { dispatcher } from "./ownership";
import type { Surface } from "./surface";

/**
 * The hub's HTTP app: request id and log first, then health, then one route table over the
 * surfaces (ownership.ts decides which surface answers a path, each with its own error shape).
 * A path no surface claims goes to the web console (GET/HEAD: its built files, index.html for a
 * page), else a plain 404.
 */
export function createApp(
  core: Core,
  logger: Logger,
  gauges: HubGauges,
  surfaces: readonly Surface[],
  /** The built console. @default DEFAULT_CONSOLE_DIR (dist/console) */
  consoleDir?: string,
): Koa<ApiState> {
  const app = new Koa<ApiState>();
  app.proxy = false;
  app.silent = true;
  app.use(requestId());
  app.use(hsts());
  app.use(requestLog(logger));
  app.use(healthRoutes(core, gauges));
  // Before any surface reads a body: how much of it an anonymous or authenticated caller may send.
  app.use(bodyAllowance(core.auth));
  app.use(dispatcher(surfaces, logger));
  app.use(consoleAssets(consoleDir));
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { code: "not_found", message: `no API at ${ctx.path}` };
  });
  return app;
}
