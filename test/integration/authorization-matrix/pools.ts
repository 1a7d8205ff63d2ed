import type { AccessClass } from "./access-class";

/** Rows of the authorization matrix (see authorization-matrix.table.ts) for the pools routes. */
export const ROWS: Readonly<Record<string, AccessClass>> = {
  // Resource pools: anyone signed in reads them; changing the hub's clusters is the admin's.
  "modelarts POST /v2/:project_id/pools": "admin",
  "modelarts GET /v2/:project_id/pools": "login",
  "modelarts GET /v2/:project_id/pools/:pool_name": "login",
  "modelarts PATCH /v2/:project_id/pools/:pool_name": "admin",
  "modelarts DELETE /v2/:project_id/pools/:pool_name": "admin",
  // Node pools of a pool.
  "modelarts GET /v2/:project_id/pools/:pool_name/nodepools": "login",
  "modelarts POST /v2/:project_id/pools/:pool_name/nodepools": "admin",
  "modelarts GET /v2/:project_id/pools/:pool_name/nodepools/:nodepool_name": "login",
  "modelarts PATCH /v2/:project_id/pools/:pool_name/nodepools/:nodepool_name": "admin",
  "modelarts DELETE /v2/:project_id/pools/:pool_name/nodepools/:nodepool_name": "admin",
  // Usage: the pools' capacity and placements are the shared estate's; jobs are the caller's own.
  "modelarts GET /v2/:project_id/pools/:pool_name/monitor": "login",
  "modelarts GET /v2/:project_id/metrics/runtime/pools": "login",
  "modelarts GET /v2/:project_id/statistics/pools": "login",
  "modelarts GET /v2/:project_id/statistics/pools/:pool_name/workloads": "login",
  "modelarts GET /v2/:project_id/pools/:pool_name/workloads": "login",
  "modelarts GET /v2/:project_id/jobs": "login",
  // Tags, plug-ins, node configuration, OS configuration.
  "modelarts GET /v1/:project_id/pools/tags": "login",
  "modelarts GET /v1/:project_id/pools/:pool_name/tags": "login",
  "modelarts POST /v1/:project_id/pools/:pool_name/tags/create": "admin",
  "modelarts DELETE /v1/:project_id/pools/:pool_name/tags/delete": "admin",
  "modelarts GET /v2/:project_id/plugintemplates": "login",
  "modelarts GET /v1/:project_id/plugintemplates/:plugintemplate_name": "login",
  "modelarts GET /v2/:project_id/pools/:pool_name/plugins": "login",
  "modelarts POST /v2/:project_id/pools/:pool_name/plugins": "admin",
  "modelarts GET /v2/:project_id/pools/:pool_name/node-config": "login",
  "modelarts GET /v2/:project_id/pools/:pool_name/node-config-template": "login",
  "modelarts GET /v1/:project_id/nodeconfigtemplates/:nodeconfigtemplate_name": "login",
  "modelarts GET /v1/:project_id/os-user-config": "login",
  // Networks (stored records) and orders (not supported).
  "modelarts POST /v1/:project_id/networks": "admin",
  "modelarts GET /v1/:project_id/networks": "login",
  "modelarts GET /v1/:project_id/networks/:network_name/network-ip-availabilities": "login",
  "modelarts GET /v1/:project_id/networks/:network_name": "login",
  "modelarts PATCH /v1/:project_id/networks/:network_name": "admin",
  "modelarts DELETE /v1/:project_id/networks/:network_name": "admin",
  "modelarts POST /v2/:project_id/pools/:name/orderid": "admin",
  "modelarts GET /v1/:project_id/orders/:order_name": "login",
};
