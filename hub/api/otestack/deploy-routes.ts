import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { DeployOp, DeployStatus, type OteDeployment } from "../../core/deployments/model";
import { editable } from "../../core/deployments/service";
import { ForbiddenError, NotFoundError, ValidationError } from "../../core/errors";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { requireNamespace } from "./app-routes";
import { ok, okPage, unix } from "./envelope";
import { caller, canSee, isAdmin, oteAuth, oteRole } from "./identity";
import { Namespace, paging } from "./schemas";

const DeployName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/,
    "must be 1-53 lower-case letters, digits or '-' (DNS label)",
  );
const Selector = z.string().min(1, "must not be empty").max(63, "must be at most 63 characters");

const DeployBody = z.object({
  deployName: DeployName,
  appName: z.string().min(1, "is required"),
  version: z.string().min(1, "is required"),
  namespace: Namespace,
  clusterLabel: Selector,
  nodeLabel: Selector.default("all"),
  comment: z.string().max(256).default(""),
});
const VersionBody = z.object({
  version: z.string().min(1, "is required"),
  comment: z.string().max(256).default(""),
});
const NsQuery = z.object({ namespace: z.string().optional(), field: z.string().optional() });
const DeployListQuery = z.object({
  deployName: z.string().optional(),
  appName: z.string().optional(),
  namespace: z.string().optional(),
  clusterLabel: z.string().optional(),
  nodeLabel: z.string().optional(),
  status: z.coerce.number().int().min(0).max(5).optional(),
  deployType: z.coerce.number().int().min(0).max(3).optional(),
  field: z.string().optional(),
  ...paging(10),
});
const AuditBody = z.object({
  status: z.union([z.literal(1), z.literal(2)], { error: "must be 1 (approve) or 2 (reject)" }),
  comment: z.string().max(256).default(""),
});
const AuditListQuery = z.object({ namespace: z.string().optional(), ...paging(10) });

export function deployRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const autoApprove = (ctx: ApiContext) => isAdmin(caller(ctx)) && core.deployments.settings.adminAutoDeploy;
  const nodeName = (id: string) => core.nodes.findById(id)?.name ?? id;

  const present = (d: OteDeployment, fields: string[] = []) => {
    const out: Record<string, unknown> = {
      id: d.id,
      deployName: d.name,
      namespace: d.namespace,
      appName: d.appName,
      appType: d.kind,
      version: d.version ?? "",
      targetVersion: d.pending?.version ?? d.version ?? "",
      deployType: d.lastOp,
      status: d.status,
      editable: editable(d),
      clusterLabel: d.clusterLabel,
      nodeLabel: d.nodeLabel,
      replicas: d.replicas,
      errorMessage: JSON.stringify(core.deploymentController.health(d)),
      comment: d.comment,
      auditComment: d.auditComment,
      userName: d.owner,
      createTime: unix(d.createdAt),
      updateTime: unix(d.updatedAt),
    };
    if (fields.includes("historyVersion")) {
      out["historyVersion"] = d.history.map((h) => ({
        version: h.version,
        deployType: h.op,
        audit: h.audit,
        userName: h.by,
        comment: h.comment,
        auditComment: h.auditComment,
        createTime: unix(h.at),
      }));
    }
    if (fields.includes("replicaList") || fields.includes("pods")) {
      out["replicaList"] = core.deploymentController.replicas(d.id).map((r) => ({
        nodeName: nodeName(r.meta.nodeId),
        version: r.meta.version,
        state: r.task?.state ?? "pending",
        ready: r.ready,
        containerId: r.task?.containerId ?? null,
      }));
    }
    return out;
  };
  const fieldsOf = (f: string | undefined) => (f ? f.split(",").map((s) => s.trim()) : []);
  const visible = (ctx: ApiContext) =>
    core.deployments.list().filter((d) => d.deletedAt === null && canSee(caller(ctx), d.namespace));
  const mine = (ctx: ApiContext, d: OteDeployment) => {
    if (!canSee(caller(ctx), d.namespace)) throw new NotFoundError("deployment", d.name);
    return d;
  };
  const byName = (ctx: ApiContext) =>
    mine(
      ctx,
      core.deployments.byName(
        (ctx.query["namespace"] as string | undefined) ?? null,
        ctx.params["name"] as string,
      ),
    );
  const byId = (ctx: ApiContext) => {
    const id = Number(ctx.params["id"]);
    if (!Number.isInteger(id) || id < 1) throw new ValidationError("id", "must be a positive integer");
    return mine(ctx, core.deployments.get(id));
  };

  router.post("/deploy", auth, validate(DeployBody), (ctx) => {
    const b = input(ctx, DeployBody);
    requireNamespace(core, ctx, b.namespace);
    const apps = core.deployments.apps().filter((a) => a.namespace === b.namespace && a.name === b.appName);
    if (apps.length === 0) {
      const chart = core.store.otestack
        .charts()
        .find((c) => c.namespace === b.namespace && c.name === b.appName);
      if (chart)
        throw new ValidationError(
          "appName",
          `${b.appName} is a helm chart: charts need Kubernetes targets, which this hub does not have`,
        );
      throw new ValidationError("appName", `no app ${b.appName} in ${b.namespace}`);
    }
    if (!apps.some((a) => a.version === b.version))
      throw new ValidationError("version", `app ${b.appName} has no version ${b.version}`);
    const d = core.deployments.create({
      name: b.deployName,
      namespace: b.namespace,
      appName: b.appName,
      version: b.version,
      clusterLabel: b.clusterLabel,
      nodeLabel: b.nodeLabel,
      comment: b.comment,
      owner: caller(ctx).username,
      autoApprove: autoApprove(ctx),
    });
    ok(ctx, present(d));
  });
  router.get("/deploy", auth, validate(DeployListQuery, "query"), (ctx) => {
    const q = input(ctx, DeployListQuery);
    const fields = fieldsOf(q.field);
    const list = visible(ctx)
      .filter((d) => !q.deployName || d.name.includes(q.deployName))
      .filter((d) => !q.appName || d.appName === q.appName)
      .filter((d) => !q.namespace || d.namespace === q.namespace)
      .filter((d) => !q.clusterLabel || d.clusterLabel === q.clusterLabel)
      .filter((d) => !q.nodeLabel || d.nodeLabel === q.nodeLabel)
      .filter((d) => q.status === undefined || d.status === q.status)
      .filter((d) => q.deployType === undefined || d.lastOp === q.deployType)
      .sort((a, b) => b.id - a.id)
      .map((d) => present(d, fields));
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.get("/deploy/id/:id", auth, validate(NsQuery, "query"), (ctx) =>
    ok(ctx, present(byId(ctx), fieldsOf(input(ctx, NsQuery).field))),
  );
  router.get("/deploy/:name", auth, validate(NsQuery, "query"), (ctx) =>
    ok(ctx, present(byName(ctx), fieldsOf(input(ctx, NsQuery).field))),
  );
  const op = (ctx: ApiContext, d: OteDeployment, code: 1 | 2 | 3, version: string | null, comment: string) =>
    ok(
      ctx,
      present(core.deployments.request(d, code, version, caller(ctx).username, comment, autoApprove(ctx))),
    );
  router.put("/deploy/:name/upgrade", auth, validate(VersionBody), (ctx) => {
    const b = input(ctx, VersionBody);
    op(ctx, byName(ctx), DeployOp.upgrade, b.version, b.comment);
  });
  router.put("/deploy/:name/rollback", auth, validate(VersionBody), (ctx) => {
    const b = input(ctx, VersionBody);
    op(ctx, byName(ctx), DeployOp.rollback, b.version, b.comment);
  });
  router.delete("/deploy/id/:id", auth, (ctx) => op(ctx, byId(ctx), DeployOp.delete, null, ""));
  router.delete("/deploy/:name", auth, (ctx) => op(ctx, byName(ctx), DeployOp.delete, null, ""));

  router.get("/admin/deploy", auth, oteRole(2), validate(AuditListQuery, "query"), (ctx) => {
    const q = input(ctx, AuditListQuery);
    const list = core.deployments
      .waiting()
      .filter((d) => canSee(caller(ctx), d.namespace) && (!q.namespace || d.namespace === q.namespace))
      .map((d) => present(d, ["historyVersion"]));
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.put("/admin/deploy/:id", auth, oteRole(2), validate(AuditBody), (ctx) => {
    const b = input(ctx, AuditBody);
    const d = byId(ctx);
    if (d.status !== DeployStatus.waitingAudit)
      throw new ValidationError("id", `deployment ${d.name} is not waiting for audit`);
    if (d.owner === caller(ctx).username && !isAdmin(caller(ctx)))
      throw new ForbiddenError("cannot audit your own deployment");
    ok(ctx, present(core.deployments.audit(d, b.status === 1, caller(ctx).username, b.comment)));
  });
}
