import type Router from "@koa/router";
import { ConflictError, ValidationError } from "../../core/errors";
import type { Node, User } from "../../core/model";
import type { NodeReservation } from "../../core/node-reservation-model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, unsupported } from "./errors";
import { wholeNodeFlavor } from "./flavors";
import { iamUserId } from "./iam-users";
import { liteJobRoutes, stopServerJobs } from "./lite-job-routes";
import {
  liteMetaOf,
  liteStatus,
  MAX_OPERATIONS,
  nodeImage,
  reachableServer,
  withLiteMeta,
  type LiteOperation,
} from "./lite-server-model";
import { presentServer } from "./lite-server-presenter";
import {
  BatchAction,
  FlavorQuery,
  ImageQuery,
  ServerCreate,
  ServerListQuery,
  ServerUpdate,
} from "./lite-server-schemas";
import { liteUnsupportedRoutes } from "./lite-unsupported-routes";
import { pageOf } from "./paging";

/**
 * `/v1/{project_id}/dev-servers` (Lite Servers): a server is a core node reservation, a whole
 * node leased to its creator (core.nodeReservations); its jobs are core workloads pinned to the
 * node (lite-job-routes.ts); what needs Huawei's cloud answers the not-supported error.
 */
export function liteServerRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, auth } = deps;
  const base = "/v1/:project_id/dev-servers";
  const caller = (ctx: ApiContext): User => (ctx.state.principal as { user: User }).user;
  const server = (ctx: ApiContext): NodeReservation =>
    reachableServer(core, caller(ctx), String(ctx.params.id));
  const present = (r: NodeReservation) => presentServer(core, r);

  // Specific paths first: the cloud-only ones, then jobs, then the servers' own.
  liteUnsupportedRoutes(router, deps);
  liteJobRoutes(router, deps);

  /** Records a lifecycle call; its id is the request id (the X-Request-Id answer header). */
  const operate = (ctx: ApiContext, r: NodeReservation, type: LiteOperation["type"]): NodeReservation => {
    const fresh = core.nodeReservations.find(r.id) ?? r;
    const meta = liteMetaOf(fresh);
    const operations = [...meta.operations, { id: ctx.state.requestId, type, at: core.clock.now() }];
    return core.nodeReservations.setMeta(
      fresh,
      withLiteMeta({ ...meta, operations: operations.slice(-MAX_OPERATIONS) }),
    );
  };

  const list = (ctx: ApiContext, all: boolean) => {
    const q = input(ctx, ServerListQuery);
    const user = caller(ctx);
    const users = new Map(core.users.list().map((u) => [u.id, u]));
    const holderOf = (r: NodeReservation) => users.get(r.holderId);
    let items = core.nodeReservations.list(all ? {} : { holderId: user.id }).filter((r) => {
      if (q.owner === undefined) return true;
      const holder = holderOf(r);
      return holder !== undefined && (holder.username === q.owner || iamUserId(holder) === q.owner);
    });
    const key =
      q.sort_key === "name"
        ? (r: NodeReservation) => r.name
        : q.sort_key === "status"
          ? (r: NodeReservation) => liteStatus(core, r)
          : (r: NodeReservation) => r.since;
    items = items.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    if (q.sort_dir.toUpperCase() === "DESC") items.reverse();
    const page = pageOf(items, q.offset, q.limit);
    ctx.body = { ...page, data: page.data.map(present) };
  };

  router.get(`${base}/flavors`, auth, validate(FlavorQuery, "query"), (ctx) => {
    const q = input(ctx, FlavorQuery);
    if (q.server_type === "HPS") {
      ctx.body = pageOf([], 0, 1);
      return;
    }
    const byId = new Map<
      string,
      { flavor: NonNullable<ReturnType<typeof wholeNodeFlavor>>; nodes: Node[] }
    >();
    for (const node of core.nodes.list()) {
      const f = wholeNodeFlavor(node);
      if (!f) continue;
      const entry = byId.get(f.id) ?? { flavor: f, nodes: [] };
      entry.nodes.push(node);
      byId.set(f.id, entry);
    }
    const data = [...byId.values()]
      .filter(({ flavor }) => q.arch === undefined || (flavor.arch === "arm" ? "ARM" : "X86") === q.arch)
      .map(({ flavor, nodes }) => {
        // How many could be leased now: ready, schedulable, running nothing, not leased.
        const count = nodes.filter((n) => core.nodeReservations.isFree(n)).length;
        return {
          flavor: flavor.id,
          specification: flavor.name,
          flavor_type: flavor.type,
          arch: flavor.arch === "arm" ? "ARM" : "X86",
          server_type: q.server_type ?? "BMS",
          charging_mode: "POST_PAID",
          availability_zone: [
            ...new Set(nodes.map((n) => core.clusters.byId(n.clusterId)?.name ?? n.clusterId)),
          ].join(","),
          count,
          is_sold_out: count === 0,
          status: count === 0 ? "sellout" : "normal",
          roce_num: 0,
          sku_code: flavor.id,
        };
      });
    ctx.body = pageOf(data, 0, Math.max(1, data.length));
  });

  const images = (filter: { flavor?: string }) => {
    const out = new Map<string, ReturnType<typeof nodeImage> & object>();
    for (const node of core.nodes.list()) {
      if (filter.flavor !== undefined && wholeNodeFlavor(node)?.id !== filter.flavor) continue;
      const image = nodeImage(node);
      if (image) out.set(image.id, image);
    }
    return [...out.values()].map((i) => ({
      image_id: i.id,
      name: i.name,
      arch: i.arch,
      server_type: "BMS",
      status: "ACTIVE",
    }));
  };
  router.get(`${base}/images`, auth, validate(ImageQuery, "query"), (ctx) => {
    const q = input(ctx, ImageQuery);
    const data = q.server_type === "HPS" ? [] : images({ flavor: q.flavor_name });
    ctx.body = pageOf(data, 0, Math.max(1, data.length));
  });
  router.get(`${base}/images/:id`, auth, (ctx) => {
    const image = images({}).find((i) => i.image_id === ctx.params.id);
    if (!image)
      throw new ModelArtsError(404, GENERIC.notFound, `Lite Server image ${ctx.params.id} not found`);
    ctx.body = image;
  });

  router.get(`${base}/all`, auth, validate(ServerListQuery, "query"), (ctx) => {
    core.authz.require(
      caller(ctx),
      "system.write",
      { kind: "system" },
      "only an administrator lists every Lite Server",
    );
    list(ctx, true);
  });
  // Status is always read from the node, so a sync is the caller's list as it is now.
  router.put(`${base}/sync`, auth, validate(ServerListQuery, "query"), (ctx) => list(ctx, false));

  router.post(`${base}/action`, auth, validate(BatchAction), (ctx) => {
    const body = input(ctx, BatchAction);
    if (body.type === "CHANGEOS" || body.type === "REINSTALLOS") throw osUnsupported(body.type);
    const user = caller(ctx);
    // Every id is checked before anything changes, so a bad id changes nothing.
    const targets = body.servers.map((s) => reachableServer(core, user, s.id));
    const done = targets.map((r) => act(ctx, r, body.type as "START" | "STOP" | "REBOOT" | "DELETE"));
    ctx.body = pageOf(done, 0, Math.max(1, done.length));
  });

  router.get(base, auth, validate(ServerListQuery, "query"), (ctx) => list(ctx, false));

  router.post(base, auth, validate(ServerCreate), (ctx) => {
    const body = input(ctx, ServerCreate);
    if (body.server_type === "HPS" || body.hps_cluster_id !== undefined) {
      throw unsupported(
        "HPS (supernode) Lite Servers",
        "supernodes are Huawei Cloud hardware; lease a node with a BMS flavor",
      );
    }
    if (body.data_volume !== undefined) {
      throw unsupported(
        "data_volume",
        "EVS disks are Huawei Cloud storage; a Lite Server is a node with its own disks",
      );
    }
    if (body.user_data !== undefined) {
      throw unsupported(
        "user_data",
        "cloud-init runs when Huawei Cloud boots a server; a Corral node is already running",
      );
    }
    if (body.count !== 1) {
      throw new ValidationError(
        "count",
        "this hub leases one node per request: create the servers one by one",
      );
    }
    const flavor = (body.flavor ?? body.resource_flavor) as string;
    const known = core.nodes.list().some((n) => wholeNodeFlavor(n)?.id === flavor);
    if (!known) {
      throw new ValidationError(
        "flavor",
        `no node has flavor ${flavor}: GET /v1/{project_id}/dev-servers/flavors lists them`,
      );
    }
    const fits = (n: Node) =>
      wholeNodeFlavor(n)?.id === flavor &&
      (body.image_id === undefined || nodeImage(n)?.id === body.image_id) &&
      (body.arch === undefined || nodeImage(n)?.arch === body.arch);
    if (!core.nodes.list().some(fits)) {
      throw new ValidationError(
        "image_id",
        `no node of flavor ${flavor} runs image ${body.image_id} (${body.arch ?? "any arch"}): GET /v1/{project_id}/dev-servers/images?flavor_name=${flavor} lists them`,
      );
    }
    let r: NodeReservation;
    try {
      r = core.nodeReservations.reserve(caller(ctx), {
        name: body.name,
        fits,
        meta: withLiteMeta({
          flavor,
          imageId: body.image_id ?? "",
          keyPairName: body.key_pair_name ?? "",
          chargingMode: body.charging_info?.charging_mode ?? "POST_PAID",
          operations: [],
        }),
      });
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new ModelArtsError(400, "ModelArts.0105", `flavor ${flavor} is sold out: ${err.message}`);
      }
      throw err;
    }
    ctx.body = present(operate(ctx, r, "CREATE"));
  });

  router.get(`${base}/:id`, auth, (ctx) => {
    ctx.body = present(server(ctx));
  });
  router.put(`${base}/:id`, auth, validate(ServerUpdate), (ctx) => {
    ctx.body = present(core.nodeReservations.rename(server(ctx), input(ctx, ServerUpdate).name));
  });
  router.delete(`${base}/:id`, auth, (ctx) => {
    ctx.body = act(ctx, server(ctx), "DELETE");
  });
  router.put(`${base}/:id/start`, auth, (ctx) => {
    ctx.body = act(ctx, server(ctx), "START");
  });
  router.put(`${base}/:id/stop`, auth, (ctx) => {
    ctx.body = act(ctx, server(ctx), "STOP");
  });
  router.put(`${base}/:id/reboot`, auth, (ctx) => {
    ctx.body = act(ctx, server(ctx), "REBOOT");
  });

  router.get(`${base}/:id/operation/:operation_id`, auth, (ctx) => {
    const r = server(ctx);
    const ops = liteMetaOf(r).operations;
    const i = ops.findIndex((o) => o.id === ctx.params.operation_id);
    const op = ops[i];
    if (!op) {
      throw new ModelArtsError(
        404,
        GENERIC.notFound,
        `operation ${ctx.params.operation_id} of Lite Server ${r.name} not found`,
      );
    }
    // A later operation superseded this one; the latest is what the server does now.
    const status = i < ops.length - 1 ? "SUCCESS" : operationStatus(op.type, liteStatus(core, r));
    ctx.body = {
      operation_id: op.id,
      operation_type: op.type,
      operation_status: status,
      ...(status === "FAILED"
        ? { operation_error: { code: GENERIC.unavailable, message: `the node of ${r.name} is not ready` } }
        : {}),
    };
  });

  /** One lifecycle action, checked against the server's status as ModelArts's console does. */
  function act(ctx: ApiContext, r: NodeReservation, type: "START" | "STOP" | "REBOOT" | "DELETE") {
    const status = liteStatus(core, r);
    const refuse = (why: string) =>
      new ModelArtsError(400, GENERIC.conflict, `Lite Server ${r.name} is ${status}: ${why}`);
    switch (type) {
      case "STOP":
        if (r.stopped) throw refuse("it is stopped already");
        return present(operate(ctx, core.nodeReservations.stop(r), "STOP"));
      case "START":
        if (!r.stopped) throw refuse("only a stopped server starts");
        return present(operate(ctx, core.nodeReservations.start(r), "START"));
      case "REBOOT":
        if (status !== "RUNNING") throw refuse("only a running server reboots");
        core.nodeReservations.reboot(r);
        return present(operate(ctx, r, "REBOOT"));
      case "DELETE": {
        stopServerJobs(deps, r);
        const shown = present(r);
        core.nodeReservations.release(r);
        return { ...shown, status: "DELETED", update_at: core.clock.now() };
      }
    }
  }
}

/** Operation status from the server's status now. */
function operationStatus(type: LiteOperation["type"], status: string): string {
  if (status === "ERROR") return "FAILED";
  switch (type) {
    case "STOP":
      return status === "STOPPED" ? "SUCCESS" : "RUNNING";
    case "REBOOT":
      return status === "REBOOTING" ? "RUNNING" : "SUCCESS";
    default:
      return status === "RUNNING" ? "SUCCESS" : "RUNNING";
  }
}

export const osUnsupported = (what: string) =>
  unsupported(
    `${what} (operating system change)`,
    "a Corral node runs the OS its owner installed; the hub cannot reimage it",
  );
