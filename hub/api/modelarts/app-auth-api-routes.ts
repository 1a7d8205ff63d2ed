import type Router from "@koa/router";
import type { AppApi } from "../../core/apps";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { callerOf, manageableService } from "./app-auth-access";
import { presentApi, presentApp, presentResult, sortApps } from "./app-auth-presenters";
import { ApiAuthsQuery, AppsBody, CreateApiBody, WorkspaceBody } from "./app-auth-schemas";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import type { InferenceServiceRef, ServiceDirectory } from "./inference-contract";

type Ctx = { state: ApiState; params: Record<string, string | undefined>; protocol: string; host: string };

/** The API name ModelArts gives a service's API: `infer_` and the service id without dashes. */
export const defaultApiName = (serviceId: string): string => `infer_${serviceId.replace(/-/g, "")}`;

/**
 * The APIs registered for a real-time service and which apps may call them: under
 * `/v1/{project_id}/services/{service_id}/...` and `/v1/{project_id}/app-auth/{service_id}/apis`.
 * Only the service's owner, its workspace's admins and the global admin reach a service here
 * (others get "not found"); an app can be authorized only when its creator owns the service.
 */
export function appAuthApiRoutes(
  router: Router<ApiState>,
  deps: ModelArtsDeps,
  directory: ServiceDirectory,
): void {
  const { core, project } = deps;
  const svc = "/v1/:project_id/services/:service_id";
  const auth = "/v1/:project_id/app-auth/:service_id/apis";
  const serviceOf = (ctx: Ctx): InferenceServiceRef =>
    manageableService(deps, directory, callerOf(ctx), ctx.params.service_id ?? "");
  const apiOf = (ctx: Ctx, service: InferenceServiceRef): AppApi => {
    const api = core.apps.findApi(ctx.params.api_id ?? "");
    if (!api || api.serviceId !== service.id)
      throw new ModelArtsError(404, GENERIC.notFound, `API ${ctx.params.api_id ?? ""} not found`);
    return api;
  };
  const origin = (ctx: Ctx) => `${ctx.protocol}://${ctx.host}`;
  const appIds = (ctx: Ctx) => input(ctx, AppsBody).apps.map((a) => a.app_id);
  /** The service's API for its whole access path, registered on first use. */
  const defaultApi = (service: InferenceServiceRef): AppApi =>
    core.apps.apisOfService(service.id).find((a) => a.path === service.accessPath && a.method === "ANY") ??
    core.apps.registerApi({
      serviceId: service.id,
      serviceName: service.name,
      name: defaultApiName(service.id),
      remark: "",
      path: service.accessPath,
      method: "ANY",
      supportAppCode: true,
    });

  router.post(`${svc}/app-auth-api`, deps.auth, validate(AppsBody), (ctx) => {
    const service = serviceOf(ctx);
    const api = defaultApi(service);
    const results = core.apps.authorize(api, service.ownerId, appIds(ctx));
    ctx.body = { api: presentApi(api, origin(ctx)), auth_result: results.map((r) => presentResult(api, r)) };
  });
  router.post(auth, deps.auth, validate(CreateApiBody), (ctx) => {
    const service = serviceOf(ctx);
    const body = input(ctx, CreateApiBody);
    const path = body.api_path ?? (body.api_url !== undefined ? pathOfUrl(body.api_url) : service.accessPath);
    if (path !== service.accessPath && !path.startsWith(`${service.accessPath.replace(/\/+$/, "")}/`))
      throw new ModelArtsError(
        400,
        GENERIC.invalid,
        `${body.api_path !== undefined ? "api_path" : "api_url"}: must lie under the service's access path ${service.accessPath}`,
      );
    const api = core.apps.registerApi({
      serviceId: service.id,
      serviceName: service.name,
      name: body.api_name ?? defaultApiName(service.id),
      remark: body.api_remark ?? "",
      path,
      method: body.api_method ?? "ANY",
      // ModelArts enables simple (app code) authentication by default.
      supportAppCode: body.support_app_code ?? true,
    });
    ctx.body = { api: presentApi(api, origin(ctx)) };
  });
  router.get(`${auth}/:api_id`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    ctx.body = { api: presentApi(apiOf(ctx, serviceOf(ctx)), origin(ctx)) };
  });
  router.get(`${svc}/app-auth-apis`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    const apis = core.apps.apisOfService(serviceOf(ctx).id);
    ctx.body = {
      apis: apis.map((a) => presentApi(a, origin(ctx))),
      count: apis.length,
      total_count: apis.length,
    };
  });
  router.delete(`${svc}/app-auth-apis/:api_id`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    core.apps.deleteApi(apiOf(ctx, serviceOf(ctx)));
    ctx.status = 204;
  });
  router.post(`${svc}/app-auth-apis/:api_id/app-auth-api`, deps.auth, validate(AppsBody), (ctx) => {
    const service = serviceOf(ctx);
    const api = apiOf(ctx, service);
    const results = core.apps.authorize(api, service.ownerId, appIds(ctx));
    ctx.body = { auth_result: results.map((r) => presentResult(api, r)) };
  });
  router.put(`${svc}/app-auth-apis/:api_id/app-auth-api`, deps.auth, validate(AppsBody), (ctx) => {
    const service = serviceOf(ctx);
    const api = apiOf(ctx, service);
    const results = core.apps.replaceAuthorization(api, service.ownerId, appIds(ctx));
    ctx.body = { auth_result: results.map((r) => presentResult(api, r)) };
  });
  // Two documented URLs cancel an authorization (DeleteApiAppAuth: "same as the URL ...").
  for (const path of [`${svc}/app-auth-apis/:api_id/app-auth-api`, `${auth}/:api_id/auths`]) {
    router.delete(path, deps.auth, validate(AppsBody), (ctx) => {
      const api = apiOf(ctx, serviceOf(ctx));
      const results = core.apps.unauthorize(api, appIds(ctx));
      ctx.body = { unauth_result: results.map((r) => presentResult(api, r)) };
    });
  }
  router.get(`${svc}/app-auth-apis/:api_id/api-auths`, deps.auth, validate(ApiAuthsQuery, "query"), (ctx) => {
    const service = serviceOf(ctx);
    const api = apiOf(ctx, service);
    const q = input(ctx, ApiAuthsQuery);
    const authed = new Set(core.apps.grantsOf(api).map((g) => g.appId));
    // The apps that may be authorized here: the service owner's (ModelArts's rule).
    const candidates = sortApps(core.apps.list(service.ownerId), q.sort_by, q.order)
      .filter((a) => q.app_name === undefined || a.name.includes(q.app_name))
      .filter((a) => q.show_only === undefined || authed.has(a.id) === (q.show_only === "AUTH"));
    const offset = q.offset ?? 0;
    const page = candidates.slice(offset, offset + (q.limit ?? 1000));
    const caller = callerOf(ctx);
    const plain = (id: string, ownerId: string) =>
      q.iphertext_enabled === true &&
      ownerId === caller.id &&
      (q.app_ids === undefined || q.app_ids.includes(id));
    ctx.body = {
      auths: page.map((a) => ({
        app: presentApp(
          a,
          {
            codes: core.apps.codesOf(a),
            secret: plain(a.id, a.ownerId) ? core.apps.secretOf(a) : null,
            bound: core.apps.boundCount(a),
          },
          project,
        ),
        authed: authed.has(a.id),
      })),
      count: page.length,
      total_count: candidates.length,
    };
  });
  router.get(`${svc}/api-auths`, deps.auth, validate(WorkspaceBody, "query"), (ctx) => {
    const service = serviceOf(ctx);
    const api = core.apps.apisOfService(service.id)[0];
    const apps = api
      ? core.apps
          .grantsOf(api)
          .map((g) => core.apps.find(g.appId))
          .filter((a) => a !== undefined)
      : [];
    ctx.body = {
      enable_app_auth: apps.length > 0,
      app_auth_api: {
        api_id: api?.id ?? "",
        authed_apps: apps.map((a) =>
          presentApp(
            a,
            { codes: core.apps.codesOf(a), secret: null, bound: core.apps.boundCount(a) },
            project,
          ),
        ),
      },
    };
  });
}

/** The path of an api_url (a full URL or a bare path). */
function pathOfUrl(url: string): string {
  try {
    return new URL(url, "http://hub.invalid").pathname;
  } catch {
    throw new ModelArtsError(400, GENERIC.invalid, "api_url: is not a URL");
  }
}
