import type { AccessClass } from "./access-class";

/**
 * Rows of the authorization matrix (see authorization-matrix.table.ts) for the inference routes:
 * AI applications, real-time services and the inference gateway. Every one needs a login (an IAM
 * token or signature); what a caller sees and may change is filtered per object (owner, unit
 * admin, admin: core.authz object.read / object.write), proven in modelarts-models/-services/
 * -inference tests. The gateway's app-credential path is the app gate's (app-auth rows).
 */
export const ROWS: Readonly<Record<string, AccessClass>> = {
  "modelarts GET /v1/:project_id/models/ai-engine-runtimes": "login",
  "modelarts GET /v1/:project_id/models": "login",
  "modelarts POST /v1/:project_id/models": "login",
  "modelarts GET /v1/:project_id/models/:model_id": "login",
  "modelarts DELETE /v1/:project_id/models/:model_id": "login",
  "modelarts GET /v1/:project_id/services/specifications": "login",
  "modelarts GET /v1/:project_id/services/tms/tags": "login",
  "modelarts GET /v1/:project_id/services/:service_id/monitor": "login",
  "modelarts GET /v1/:project_id/services/:service_id/events": "login",
  "modelarts GET /v1/:project_id/services/:service_id/logs": "login",
  "modelarts PUT /v1/:project_id/services/:service_id/property": "login",
  "modelarts PATCH /v1/:project_id/services/:service_id": "login",
  "modelarts POST /v1/:project_id/services/:service_id/tags/create": "login",
  "modelarts DELETE /v1/:project_id/services/:service_id/tags/delete": "login",
  "modelarts GET /v1/:project_id/internal-channel-info": "login",
  "modelarts GET /v1/:project_id/services": "login",
  "modelarts POST /v1/:project_id/services": "login",
  "modelarts GET /v1/:project_id/services/:service_id": "login",
  "modelarts PUT /v1/:project_id/services/:service_id": "login",
  "modelarts DELETE /v1/:project_id/services/:service_id": "login",
  "modelarts ALL /v1/infers/:service_id": "login",
  "modelarts ALL /v1/infers/:service_id/(.*)": "login",
};
