import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { QuotaUnit } from "../../core/model";
import type { ApiContext, ApiMiddleware, ApiState } from "../context";
import { aclsOf, DEFAULT_VC, GROUP_NAME, withAcls, type Access } from "./access";
import { paiAuth } from "./auth";
import { forbidden, invalidParameters, noVc, PaiError } from "./errors";
import { body } from "./input";
import type { VirtualClusters } from "./vc-model";

const Capacity = z
  .looseObject({
    vcCapacity: z.preprocess(Number, z.number().min(0).max(100)),
    vcMaxCapacity: z.preprocess(
      (v) => (v === undefined ? undefined : Number(v)),
      z.number().max(100).optional(),
    ),
  })
  .refine((b) => b.vcMaxCapacity === undefined || b.vcMaxCapacity >= b.vcCapacity, {
    message: "must be between vcCapacity and 100",
    path: ["vcMaxCapacity"],
  });
const Status = z.looseObject({ vcStatus: z.enum(["running", "stopped", "RUNNING", "STOPPED"]) });
const LIVE = new Set(["pending", "running", "stopping"]);

/** Virtual clusters: reads on v1 and v2; YARN-style writes on v1, NotImplementedError on v2 (k8s). */
export function vcRoutes(router: Router<ApiState>, core: Core, access: Access, vcs: VirtualClusters): void {
  const token = paiAuth(core, access, "token");
  const admin = paiAuth(core, access, "admin");

  const jobsOf = (unit: QuotaUnit) => core.workloads.list().filter((w) => w.quotaUnitId === unit.id);
  const present = (unit: QuotaUnit) => {
    const meta = vcs.meta(unit);
    const total = vcs.clusterTotal();
    const jobs = jobsOf(unit);
    const used = { memory: 0, vCores: 0, GPUs: 0 };
    for (const w of jobs) {
      for (const t of core.workloads.tasks(w.id)) {
        if (!["assigned", "starting", "running"].includes(t.state)) continue;
        const r = w.roles.find((x) => x.name === t.role);
        used.memory += r?.resources.memoryMiB ?? 0;
        used.vCores += (r?.resources.cpuMilli ?? 0) / 1000;
        used.GPUs += r?.resources.gpu ?? 0;
      }
    }
    const live = jobs.filter((w) => LIVE.has(w.state));
    const share = (n: number, pct: number) => Math.round((n * pct) / 100);
    const usedCapacity =
      total.gpu > 0
        ? (used.GPUs / total.gpu) * 100
        : total.cpuMilli > 0
          ? ((used.vCores * 1000) / total.cpuMilli) * 100
          : 0;
    const res = (pct: number) => ({
      memory: share(total.memoryMiB, pct),
      vCores: share(total.cpuMilli / 1000, pct),
      GPUs: share(total.gpu, pct),
    });
    return {
      capacity: meta.capacity,
      maxCapacity: meta.maxCapacity,
      usedCapacity: Math.round(usedCapacity * 100) / 100,
      numActiveJobs: live.filter((w) => w.state !== "pending").length,
      numJobs: live.length,
      numPendingJobs: live.filter((w) => w.state === "pending").length,
      resourcesUsed: { ...used, cpu: used.vCores, gpu: used.GPUs },
      resourcesGuaranteed: res(meta.capacity),
      resourcesTotal: res(meta.maxCapacity),
      dedicated: vcs.dedicated(unit),
      nodeList: vcs.nodeNames(unit),
      status: meta.status === "stopped" ? (live.length > 0 ? "DRAINING" : "STOPPED") : "RUNNING",
    };
  };
  const find = (ctx: ApiContext): QuotaUnit => {
    const unit = vcs.find(ctx.params.vc as string);
    if (!unit) throw noVc(ctx.params.vc as string, 404);
    return unit;
  };
  /** router.param-style checks that run before auth, as in the rest-server. */
  const nameCheck: ApiMiddleware = async (ctx, next) => {
    const vc = ctx.params.vc as string;
    if (!GROUP_NAME.test(vc)) throw invalidParameters(`VC name ${vc} is invalid: must match ^[A-Za-z0-9_]+$`);
    // The document's messages (the v0.14 server said "Update operation to default vc isn't allowed").
    if (vc === DEFAULT_VC)
      throw forbidden(
        ctx.method === "DELETE" ? "Don't allow to remove default vc." : "Don't allow to update default vc",
      );
    await next();
  };
  const writable = (unit: QuotaUnit) => {
    if (!vcs.own(unit))
      throw new PaiError(
        403,
        "ReadOnlyVcError",
        `VC ${vcs.nameOf(unit)} is a ${unit.kind} made through another API and is read-only here.`,
      );
    if (vcs.dedicated(unit))
      throw new PaiError(403, "ReadOnlyVcError", `Dedicated VC ${unit.name} is read-only.`);
  };

  const list = (ctx: ApiContext) => {
    vcs.rebalance();
    ctx.body = Object.fromEntries(vcs.list().map((u) => [vcs.nameOf(u), present(u)]));
  };
  router.get("/api/v1/virtual-clusters", list);
  router.get("/api/v2/virtual-clusters", token, list);
  router.get("/api/v1/virtual-clusters/:vc", (ctx) => {
    ctx.body = present(find(ctx));
  });
  router.get("/api/v2/virtual-clusters/:vc", token, (ctx) => {
    ctx.body = present(find(ctx));
  });
  const skus = (ctx: ApiContext) => {
    if (ctx.query.vc !== undefined && !vcs.find(String(ctx.query.vc))) throw noVc(String(ctx.query.vc), 404);
    const total = vcs.clusterTotal();
    const nodes = Math.max(1, core.nodes.list().length);
    ctx.body = {
      default: {
        cpu: total.cpuMilli / 1000 / nodes,
        memory: total.memoryMiB / nodes,
        gpu: total.gpu / nodes,
      },
    };
  };
  router.get("/api/v2/virtual-clusters/:vc/sku-types", token, (ctx) => {
    find(ctx);
    ctx.query = { ...ctx.query, vc: ctx.params.vc as string };
    skus(ctx);
  });
  router.get("/api/v2/cluster/sku-types", token, skus);

  router.put("/api/v1/virtual-clusters/:vc", nameCheck, admin, (ctx) => {
    const b = body(ctx, Capacity, invalidParameters);
    const name = ctx.params.vc as string;
    const existing = vcs.find(name);
    if (existing) writable(existing);
    const group = core.groups.find(name);
    if (!existing && group && !aclsOf(group).virtualClusters.includes(name))
      throw new PaiError(
        409,
        "ConflictVcError",
        `Name ${name} is already used by a group that is not a virtual cluster.`,
      );
    vcs.setCapacity(name, b.vcCapacity, b.vcMaxCapacity ?? b.vcCapacity);
    if (!group)
      core.groups.save(
        withAcls(core.groups.create({ name, description: `virtual cluster ${name}` }), {
          virtualClusters: [name],
        }),
      );
    ctx.status = 201;
    ctx.body = { message: `Update vc: ${name} to capacity: ${b.vcCapacity} successfully.` };
  });
  router.put("/api/v1/virtual-clusters/:vc/status", nameCheck, admin, (ctx) => {
    const b = body(ctx, Status, invalidParameters);
    const unit = find(ctx);
    writable(unit);
    vcs.setStatus(unit, b.vcStatus.toLowerCase() as "running" | "stopped");
    ctx.status = 201;
    ctx.body = { message: `Update vc: ${unit.name} to status: ${b.vcStatus.toLowerCase()} successfully.` };
  });
  router.delete("/api/v1/virtual-clusters/:vc", nameCheck, admin, (ctx) => {
    const unit = find(ctx);
    writable(unit);
    const live = jobsOf(unit).filter((w) => LIVE.has(w.state)).length;
    if (live > 0)
      throw new PaiError(403, "RemoveRunningVcError", `Removing a VC with jobs (${live}) is not allowed.`);
    // Finished jobs keep their VC's name in their metadata; the quota unit itself goes.
    for (const w of jobsOf(unit)) core.workloads.updateMeta({ ...w, quotaUnitId: null }, w.meta);
    vcs.remove(unit);
    if (core.groups.find(unit.name)) core.groups.remove(unit.name);
    ctx.status = 201;
    ctx.body = { message: `Remove vc: ${unit.name} successfully.` };
  });
  const notImplemented = () => {
    throw new PaiError(
      400,
      "NotImplementedError",
      "Virtual clusters are read-only over the v2 API; use /api/v1/virtual-clusters.",
    );
  };
  router.put("/api/v2/virtual-clusters/:vc", nameCheck, admin, notImplemented);
  router.delete("/api/v2/virtual-clusters/:vc", nameCheck, admin, notImplemented);
  router.put("/api/v2/virtual-clusters/:vc/status", nameCheck, admin, notImplemented);
}
