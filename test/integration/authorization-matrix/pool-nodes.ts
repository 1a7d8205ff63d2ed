import type { AccessClass } from "./access-class";

/** Rows of the authorization matrix (see authorization-matrix.table.ts) for the pool-nodes routes. */
export const ROWS: Readonly<Record<string, AccessClass>> = {
  // A resource pool's nodes are the account's inventory: any IAM user reads them, admins change them.
  "modelarts GET /v2/:project_id/pools/:pool_name/nodes": "login",
  "modelarts GET /v2/:project_id/pools/:pool_name/nodes/:node_name": "login",
  "modelarts GET /v2/:project_id/pools/:pool_name/nodepools/:nodepool_name/nodes": "login",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-lock": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-unlock": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-drain": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-delete": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-update": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-migrate": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-bind": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-reboot": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-reset": "admin",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodes/batch-resize": "admin",
  // Native: node taints (issue 11).
  "native PUT /api/corral/v1/nodes/:node/taints": "admin",
};
