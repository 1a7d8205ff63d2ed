import { randomBytes } from "node:crypto";
import type Router from "@koa/router";
import { z } from "zod";
import { HUB_SCOPE } from "../../core/cluster-records";
import type { ClusterRecord } from "../../core/model";
import type { ApiState } from "../context";
import { adminOnly } from "../middleware/authorize";
import { compose } from "../middleware/compose";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError, unsupported } from "./errors";
import { parseLabelSelector } from "./label-selector";
import { POOL_ERRORS, poolErrors } from "./pool-errors";
import { MAX_NETWORKS } from "./pool-record-routes";
import { DEFAULT_WORKSPACE_ID } from "./workspace-ids";

const NETWORK = "modelarts/network";
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const Cidr = z.string().refine((s) => {
  const m = CIDR.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 8 && Number(m[5]) <= 28;
}, "must be an IPv4 CIDR with a /8-/28 prefix");
const Labels = z.object({
  "os.modelarts/name": z.string().regex(/^[a-z0-9-]{1,64}$/, "must be 1-64 lowercase letters, digits or '-'"),
  "os.modelarts/workspace.id": z.string().max(64).optional(),
});
const CreateBody = z.object({
  apiVersion: z.literal("v1", "must be v1"),
  kind: z.literal("Network", "must be Network"),
  metadata: z.object({ labels: Labels }),
  spec: z.object({ cidr: Cidr, connection: z.record(z.string(), z.unknown()).optional() }),
});
const PatchBody = z.object({
  metadata: z.object({ labels: Labels.partial() }).optional(),
  spec: z.object({ connection: z.record(z.string(), z.unknown()).optional() }).optional(),
});
const Params = z.object({ network_name: z.string().max(64) });
const ListQuery = z.object({
  labelSelector: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  continue: z.string().regex(/^\d+$/).optional(),
});

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const noCloud = "a ModelArts network is a VPC in Huawei Cloud; this hub's nodes bring their own network";

function present(r: ClusterRecord): Record<string, unknown> {
  const labels = (r.data.labels ?? {}) as Record<string, string>;
  return {
    apiVersion: "v1",
    kind: "Network",
    metadata: { name: r.name, creationTimestamp: iso(r.createdAt), labels, annotations: {} },
    spec: { cidr: r.data.cidr },
    status: { phase: "Active", connectionStatus: {} },
  };
}

/**
 * Networks (`/v1/{project_id}/networks`): stored records of a name and a CIDR that pools may name.
 * Connecting one to a VPC, and subnet IP availability, need Huawei's cloud: not supported.
 */
export function networkRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  const auth = compose([poolErrors(), deps.auth]);
  const admin = compose([auth, adminOnly(core.authz)]);
  const params = validate(Params, "params");
  const get = (name: string): ClusterRecord => {
    const r = core.clusterRecords.find(HUB_SCOPE, NETWORK, name);
    if (!r) throw new ModelArtsError(404, POOL_ERRORS.notFound, `Network ${name} not found.`);
    return r;
  };

  router.post("/v1/:project_id/networks", admin, validate(CreateBody), (ctx) => {
    const body = input(ctx, CreateBody);
    if (body.spec.connection) throw unsupported("Connecting a network", noCloud);
    const all = core.clusterRecords.list(HUB_SCOPE, NETWORK);
    if (all.length >= MAX_NETWORKS)
      throw new ModelArtsError(400, POOL_ERRORS.badRequest, `Bad request. at most ${MAX_NETWORKS} networks`);
    const display = body.metadata.labels["os.modelarts/name"];
    if (all.some((r) => (r.data.labels as Record<string, string>)["os.modelarts/name"] === display))
      throw new ModelArtsError(409, POOL_ERRORS.exists, `Network ${display} already exists.`);
    const name = `network-${display}-${randomBytes(3).toString("hex")}`.slice(0, 64);
    const labels = { "os.modelarts/workspace.id": DEFAULT_WORKSPACE_ID, ...body.metadata.labels };
    ctx.body = present(core.clusterRecords.put(HUB_SCOPE, NETWORK, name, { cidr: body.spec.cidr, labels }));
  });
  router.get("/v1/:project_id/networks", auth, validate(ListQuery, "query"), (ctx) => {
    const q = input(ctx, ListQuery);
    const selector = q.labelSelector === undefined ? () => true : parseLabelSelector(q.labelSelector);
    const all = core.clusterRecords
      .list(HUB_SCOPE, NETWORK)
      .filter((r) => selector((r.data.labels ?? {}) as Record<string, string>));
    const start = q.continue === undefined ? 0 : Number(q.continue);
    const end = Math.min(all.length, start + (q.limit ?? 500));
    ctx.body = {
      apiVersion: "v1",
      kind: "NetworkList",
      metadata: end < all.length ? { continue: String(end), remainingItemCount: all.length - end } : {},
      items: all.slice(start, end).map(present),
    };
  });
  router.get("/v1/:project_id/networks/:network_name/network-ip-availabilities", auth, params, (ctx) => {
    get(input(ctx, Params).network_name);
    throw unsupported("Subnet IP availability", noCloud);
  });
  router.get("/v1/:project_id/networks/:network_name", auth, params, (ctx) => {
    ctx.body = present(get(input(ctx, Params).network_name));
  });
  router.patch("/v1/:project_id/networks/:network_name", admin, params, validate(PatchBody), (ctx) => {
    const r = get(input(ctx, Params).network_name);
    const body = input(ctx, PatchBody);
    if (body.spec?.connection) throw unsupported("Connecting a network", noCloud);
    const labels = { ...(r.data.labels as Record<string, string>), ...(body.metadata?.labels ?? {}) };
    ctx.body = present(core.clusterRecords.put(HUB_SCOPE, NETWORK, r.name, { ...r.data, labels }));
  });
  router.delete("/v1/:project_id/networks/:network_name", admin, params, (ctx) => {
    const r = get(input(ctx, Params).network_name);
    core.clusterRecords.remove(HUB_SCOPE, NETWORK, r.name);
    ctx.body = present(r);
  });

  // Orders are Huawei's billing (CBC): a pool here costs nothing and has no order.
  const noOrders = "orders belong to Huawei Cloud's billing; pools on this hub are not bought";
  router.post("/v2/:project_id/pools/:name/orderid", admin, () => {
    throw unsupported("Creating an order", noOrders);
  });
  router.get("/v1/:project_id/orders/:order_name", auth, () => {
    throw unsupported("Order details", noOrders);
  });
}
