import type Router from "@koa/router";
import type { App } from "../../core/apps";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { callerOf, reachableApp, withinQuota } from "./app-auth-access";
import { presentApi, presentApp, sortApps } from "./app-auth-presenters";
import { BoundApisQuery, CreateAppBody, ListAppsQuery, WorkspaceBody } from "./app-auth-schemas";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";

/** Items the list routes show unless `limit` says otherwise (ModelArts's default). */
const DEFAULT_LIMIT = 1000;

/**
 * APIG apps under `/v1/{project_id}/app-auth/apps` (ModelArts "APP认证管理"): a user's own apps
 * with their AppKey, AppSecret and app codes. Apps are the user's in every workspace, so
 * `workspace_id` is accepted and changes nothing.
 */
export function appAuthAppRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project } = deps;
  const base = "/v1/:project_id/app-auth/apps";
  /** The app as its creator sees it: `plain` shows the AppSecret in clear. */
  const view = (app: App, plain: boolean) =>
    presentApp(
      app,
      {
        codes: core.apps.codesOf(app),
        secret: plain ? core.apps.secretOf(app) : null,
        bound: core.apps.boundCount(app),
      },
      project,
    );
  const appOf = (ctx: { state: ApiState; params: Record<string, string | undefined> }): App =>
    reachableApp(deps, callerOf(ctx), ctx.params.app_id ?? "");

  router.get(base, deps.auth, validate(ListAppsQuery, "query"), (ctx) => {
    const q = input(ctx, ListAppsQuery);
    const named = core.apps
      .list(callerOf(ctx).id)
      .filter((a) => q.app_name === undefined || a.name.includes(q.app_name));
    const all = sortApps(named, q.sort_by, q.order);
    const offset = q.offset ?? 0;
    const page = all.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT));
    const plain = (a: App) =>
      q.iphertext_enabled === true && (q.app_ids === undefined || q.app_ids.includes(a.id));
    ctx.body = { apps: page.map((a) => view(a, plain(a))), count: page.length, total_count: all.length };
  });
  router.post(base, deps.auth, validate(CreateAppBody), (ctx) => {
    const body = input(ctx, CreateAppBody);
    const app = withinQuota(() => core.apps.create(callerOf(ctx), body.app_name, body.app_remark ?? ""));
    ctx.body = { app: view(app, true) };
  });
  router.get(`${base}/:app_name/exists`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    ctx.body = { exists: core.apps.byName(callerOf(ctx).id, ctx.params.app_name ?? "") !== undefined };
  });
  router.get(`${base}/:app_id`, deps.auth, (ctx) => {
    ctx.body = { app: view(appOf(ctx), true) };
  });
  router.delete(`${base}/:app_id`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    core.apps.delete(appOf(ctx));
    ctx.status = 200;
    ctx.body = {};
  });
  router.post(`${base}/:app_id/app-code`, deps.auth, validate(WorkspaceBody), (ctx) => {
    const app = appOf(ctx);
    withinQuota(() => core.apps.addCode(app));
    ctx.body = { app: view(app, true) };
  });
  router.put(`${base}/:app_id/app-code/:app_code`, deps.auth, validate(WorkspaceBody), (ctx) => {
    const app = appOf(ctx);
    core.apps.resetCode(app, codeParam(ctx.params.app_code));
    ctx.body = { app: view(app, true) };
  });
  router.delete(`${base}/:app_id/app-code/:app_code`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    const app = appOf(ctx);
    core.apps.deleteCode(app, codeParam(ctx.params.app_code));
    ctx.body = { app: view(app, true) };
  });
  router.put(`${base}/:app_id/app-secret`, deps.auth, validate(WorkspaceBody), (ctx) => {
    ctx.body = { app: view(core.apps.resetSecret(appOf(ctx)), true) };
  });
  router.get(`${base}/:app_id/auth-apis`, deps.auth, validate(BoundApisQuery, "query"), (ctx) => {
    const q = input(ctx, BoundApisQuery);
    const apis = core.apps
      .apisOf(appOf(ctx))
      .filter((a) => q.service_name === undefined || a.serviceName.includes(q.service_name));
    const byTime = q.sort_by === "created_at" || q.sort_by === "updated_at";
    const sorted = [...apis].sort((x, y) =>
      byTime ? x.createdAt - y.createdAt : x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
    );
    const all = q.order === "desc" ? sorted.reverse() : sorted;
    const offset = q.offset ?? 0;
    const page = all.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT));
    const origin = `${ctx.protocol}://${ctx.host}`;
    ctx.body = { apis: page.map((a) => presentApi(a, origin)), count: page.length, total_count: all.length };
  });
}

/** The app code of a path (the router decodes it); empty is a bad request, not "not found". */
function codeParam(code: string | undefined): string {
  if (!code) throw new ModelArtsError(400, GENERIC.invalid, "app_code: is required");
  return code;
}
