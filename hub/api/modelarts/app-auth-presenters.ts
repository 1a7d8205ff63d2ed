import type { App, AppApi, GrantResult } from "../../core/apps";
import { iamUserId } from "./iam-users";
import type { IamProject } from "./project";

/** What an app's presentation needs besides the app: its codes, its secret (null: masked), bindings. */
export interface AppView {
  codes: string[];
  secret: string | null;
  bound: number;
}

/** The AppSecret as lists show it unless asked in clear (iphertext_enabled). */
export const MASKED_SECRET = "******";

/** ApigAppDetailInfo. Times in Unix ms (ModelArts's Long). */
export const presentApp = (app: App, view: AppView, project: IamProject) => ({
  app_codes: view.codes,
  app_id: app.id,
  app_key: app.appKey,
  app_name: app.name,
  app_remark: app.remark,
  app_secret: view.secret ?? MASKED_SECRET,
  // Registered on the hub's own gateway, which stands in for the shared APIG.
  app_type: "APIG",
  bounded_api_count: view.bound,
  created_at: app.createdAt,
  project_id: project.id,
  updated_at: app.updatedAt,
  user_id: iamUserId({ id: app.ownerId }),
});

/** AuthTypeApiBasicInfo; `origin` is the hub's address as the caller reached it. */
export const presentApi = (api: AppApi, origin: string) => ({
  api_id: api.id,
  api_method: api.method,
  api_name: api.name,
  api_remark: api.remark,
  auth_type: api.authType,
  predict_url: `${origin}${api.path}`,
  service_id: api.serviceId,
  service_name: api.serviceName,
  support_app_code: api.supportAppCode,
});

/** AppAuthResultInfo: auth_id and reason are empty where they do not apply. */
export const presentResult = (api: AppApi, r: GrantResult) => ({
  api_id: api.id,
  app_id: r.appId,
  auth_id: r.reason === undefined ? (r.grant?.id ?? "") : "",
  reason: r.reason ?? "",
  success: r.reason === undefined,
});

type SortKey = "app_name" | "created_at" | "updated_at" | "name";

/** Apps sorted as the list routes' sort_by/order say (default: by name, ascending). */
export function sortApps(apps: App[], sortBy: SortKey = "app_name", order: "asc" | "desc" = "asc"): App[] {
  const key = (a: App): string | number =>
    sortBy === "created_at" ? a.createdAt : sortBy === "updated_at" ? a.updatedAt : a.name;
  const sorted = [...apps].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return order === "desc" ? sorted.reverse() : sorted;
}
