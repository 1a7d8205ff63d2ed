import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ForbiddenError, NotFoundError, ValidationError } from "../../core/errors";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { requireNamespace } from "./app-routes";
import { DeployOp, DeployStatus, statusOf, type OteDeployment } from "./deploy-model";
import { OteDeployments } from "./deployments";
import { ok, okPage } from "./envelope";
import { caller, canSee, isAdmin, oteAuth, oteRole } from "./identity";
import { CHART, presentDeployment } from "./presenters";
import { Namespace, OteIdParams, paging } from "./schemas";
import { labelOf, selectorOf } from "./selectors";
import type { OteSettings } from "./settings";

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

export function deployRoutes(router: Router<ApiState>, core: Core, settings: OteSettings): void {
  const auth = oteAuth(core);
  const deployments = new OteDeployments(core);
  const autoApprove = (ctx: ApiContext) => isAdmin(caller(ctx)) && settings.adminAutoDeploy;
  const present = (d: OteDeployment, fields: string[] = []) => presentDeployment(core, d, fields);
  const fieldsOf = (f: string | undefined) => (f ? f.split(",").map((s) => s.trim()) : []);
  const visible = (ctx: ApiContext) => deployments.list().filter((d) => canSee(caller(ctx), d.service.scope));
  const mine = (ctx: ApiContext, d: OteDeployment) => {
    if (!canSee(caller(ctx), d.service.scope)) throw new NotFoundError("deployment", d.service.name);
    return d;
  };
  const byName = (ctx: ApiContext, namespace: string | undefined) =>
    mine(ctx, deployments.byName(namespace ?? null, ctx.params["name"] as string));
  const byId = (ctx: ApiContext) => mine(ctx, deployments.get(input(ctx, OteIdParams).id));

  router.post("/deploy", auth, validate(DeployBody), (ctx) => {
    const b = input(ctx, DeployBody);
    requireNamespace(core, ctx, b.namespace);
    const apps = core.serviceTemplates.versions(b.namespace, b.appName);
    if (apps.length === 0) {
      const chart = core.artifacts.list(CHART).find((c) => c.scope === b.namespace && c.name === b.appName);
      if (chart)
        throw new ValidationError(
          "appName",
          `${b.appName} is a helm chart: charts need Kubernetes targets, which this hub does not have`,
        );
      throw new ValidationError("appName", `no app ${b.appName} in ${b.namespace}`);
    }
    if (!apps.some((a) => a.version === b.version))
      throw new ValidationError("version", `app ${b.appName} has no version ${b.version}`);
    const d = deployments.create({
      name: b.deployName,
      namespace: b.namespace,
      appName: b.appName,
      version: b.version,
      clusterLabel: selectorOf(b.clusterLabel),
      nodeLabel: selectorOf(b.nodeLabel),
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
      .filter((d) => !q.deployName || d.service.name.includes(q.deployName))
      .filter((d) => !q.appName || d.record.appName === q.appName)
      .filter((d) => !q.namespace || d.service.scope === q.namespace)
      .filter((d) => !q.clusterLabel || labelOf(d.service.targets.clusterLabel) === q.clusterLabel)
      .filter((d) => !q.nodeLabel || labelOf(d.service.targets.nodeLabel) === q.nodeLabel)
      .filter((d) => q.status === undefined || statusOf(d) === q.status)
      .filter((d) => q.deployType === undefined || d.record.lastOp === q.deployType)
      .sort((a, b) => b.id - a.id)
      .map((d) => present(d, fields));
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.get("/deploy/id/:id", auth, validate(OteIdParams, "params"), validate(NsQuery, "query"), (ctx) =>
    ok(ctx, present(byId(ctx), fieldsOf(input(ctx, NsQuery).field))),
  );
  router.get("/deploy/:name", auth, validate(NsQuery, "query"), (ctx) => {
    const q = input(ctx, NsQuery);
    ok(ctx, present(byName(ctx, q.namespace), fieldsOf(q.field)));
  });
  const op = (ctx: ApiContext, d: OteDeployment, code: 1 | 2 | 3, version: string | null, comment: string) =>
    ok(ctx, present(deployments.request(d, code, version, caller(ctx).username, comment, autoApprove(ctx))));
  router.put("/deploy/:name/upgrade", auth, validate(VersionBody), (ctx) => {
    const b = input(ctx, VersionBody);
    op(
      ctx,
      byName(ctx, ctx.query["namespace"] as string | undefined),
      DeployOp.upgrade,
      b.version,
      b.comment,
    );
  });
  router.put("/deploy/:name/rollback", auth, validate(VersionBody), (ctx) => {
    const b = input(ctx, VersionBody);
    op(
      ctx,
      byName(ctx, ctx.query["namespace"] as string | undefined),
      DeployOp.rollback,
      b.version,
      b.comment,
    );
  });
  router.delete("/deploy/id/:id", auth, validate(OteIdParams, "params"), (ctx) =>
    op(ctx, byId(ctx), DeployOp.delete, null, ""),
  );
  router.delete("/deploy/:name", auth, validate(NsQuery, "query"), (ctx) =>
    op(ctx, byName(ctx, input(ctx, NsQuery).namespace), DeployOp.delete, null, ""),
  );

  router.get("/admin/deploy", auth, oteRole(2), validate(AuditListQuery, "query"), (ctx) => {
    const q = input(ctx, AuditListQuery);
    const list = deployments
      .waiting()
      .filter(
        (d) => canSee(caller(ctx), d.service.scope) && (!q.namespace || d.service.scope === q.namespace),
      )
      .map((d) => present(d, ["historyVersion"]));
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.put(
    "/admin/deploy/:id",
    auth,
    oteRole(2),
    validate(OteIdParams, "params"),
    validate(AuditBody),
    (ctx) => {
      const b = input(ctx, AuditBody);
      const d = byId(ctx);
      if (statusOf(d) !== DeployStatus.waitingAudit)
        throw new ValidationError("id", `deployment ${d.service.name} is not waiting for audit`);
      if (d.service.owner === caller(ctx).username && !isAdmin(caller(ctx)))
        throw new ForbiddenError("cannot audit your own deployment");
      ok(ctx, present(deployments.audit(d, b.status === 1, caller(ctx).username, b.comment)));
    },
  );
}
