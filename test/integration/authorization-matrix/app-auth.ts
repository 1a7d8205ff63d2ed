import type { AccessClass } from "./access-class";

/**
 * Rows of the authorization matrix (see authorization-matrix.table.ts) for the app-auth routes.
 * All are "login": apps are listed and reached per caller (another user's app is "not found"),
 * and a service's APIs only by who may change the service (others get "not found").
 */
export const ROWS: Readonly<Record<string, AccessClass>> = {
  "modelarts GET /v1/:project_id/app-auth/apps": "login",
  "modelarts POST /v1/:project_id/app-auth/apps": "login",
  "modelarts GET /v1/:project_id/app-auth/apps/:app_name/exists": "login",
  "modelarts GET /v1/:project_id/app-auth/apps/:app_id": "login",
  "modelarts DELETE /v1/:project_id/app-auth/apps/:app_id": "login",
  "modelarts POST /v1/:project_id/app-auth/apps/:app_id/app-code": "login",
  "modelarts PUT /v1/:project_id/app-auth/apps/:app_id/app-code/:app_code": "login",
  "modelarts DELETE /v1/:project_id/app-auth/apps/:app_id/app-code/:app_code": "login",
  "modelarts PUT /v1/:project_id/app-auth/apps/:app_id/app-secret": "login",
  "modelarts GET /v1/:project_id/app-auth/apps/:app_id/auth-apis": "login",
  "modelarts POST /v1/:project_id/services/:service_id/app-auth-api": "login",
  "modelarts POST /v1/:project_id/app-auth/:service_id/apis": "login",
  "modelarts GET /v1/:project_id/app-auth/:service_id/apis/:api_id": "login",
  "modelarts GET /v1/:project_id/services/:service_id/app-auth-apis": "login",
  "modelarts DELETE /v1/:project_id/services/:service_id/app-auth-apis/:api_id": "login",
  "modelarts POST /v1/:project_id/services/:service_id/app-auth-apis/:api_id/app-auth-api": "login",
  "modelarts PUT /v1/:project_id/services/:service_id/app-auth-apis/:api_id/app-auth-api": "login",
  "modelarts DELETE /v1/:project_id/services/:service_id/app-auth-apis/:api_id/app-auth-api": "login",
  "modelarts DELETE /v1/:project_id/app-auth/:service_id/apis/:api_id/auths": "login",
  "modelarts GET /v1/:project_id/services/:service_id/app-auth-apis/:api_id/api-auths": "login",
  "modelarts GET /v1/:project_id/services/:service_id/api-auths": "login",
};
