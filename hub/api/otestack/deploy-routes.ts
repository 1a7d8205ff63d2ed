import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ForbiddenError, NotFoundError, ValidationError } from "../../core/errors";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { matchName, NameMode, ownNamespace, requireNamespace } from "./app-routes";
import {
  DeployOp,
  DeployStatus,
  documentedOp,
  documentedStatus,
  editable,
  statusOf,
  versionOf,
  type OteDeployment,
} from "./deploy-model";
import { OteDeployments } from "./deployments";
import { ok, okPage } from "./envelope";
import { compose } from "../middleware/compose";
import { caller, canSee, isAdmin, oteAuth, oteRole } from "./identity";
import { presentDeployment } from "./presenters";
import { Namespace, OteIdParams, Order, paging } from "./schemas";
import { requireAppVersion } from "./deploy-apps";
import { businessNameOf, businessUnitOf } from "./business-routes";
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
/** The document's body: no namespace (the caller's business), `cluster` the cluster label. */
const DocumentedDeployBody = z.object({
  deployName: DeployName,
  appName: z.string().min(1, "is required"),
  version: z.string().min(1, "is required"),
  cluster: Selector.default("all"),
  nodeLabel: Selector.default("all"),
  comment: z.string().max(256).default(""),
});
/** The document's audit `PUT /v1/admin/deploy {id, status, comment}`: 1 approves, 2 disapproves. */
const DocumentedAuditBody = z.object({
  id: z.number().int().min(1, "must be a positive integer"),
  /** 1 approve, 2 disapprove; 0 (pending, the document's example) keeps it waiting with the comment. */
  status: z.union([z.literal(0), z.literal(1), z.literal(2)], {
    error: "must be 0 (pending), 1 (approve) or 2 (disapprove)",
  }),
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
  /** The document's filters: appNameMode (partial by default), editable and running (all by default). */
  appNameMode: NameMode.default("partial"),
  editable: z.enum(["true", "false", "all"], { error: "must be true, false or all" }).default("all"),
  running: z.enum(["true", "all"], { error: "must be true or all" }).default("all"),
  namespace: z.string().optional(),
  clusterLabel: z.string().optional(),
  nodeLabel: z.string().optional(),
  /** The document's codes (0-9 status, 1-4 deployType). */
  status: z.coerce.number().int().min(0).max(9).optional(),
  deployType: z.coerce.number().int().min(1).max(4).optional(),
  field: z.string().optional(),
  ...paging(10),
});
const AuditBody = z.object({
  status: z.union([z.literal(1), z.literal(2)], { error: "must be 1 (approve) or 2 (reject)" }),
  comment: z.string().max(256).default(""),
});
const AuditListQuery = z.object({
  namespace: z.string().optional(),
  businessName: z.string().optional(),
  orderBy: z.enum(["id"], { error: "must be id" }).default("id"),
  order: Order.default("desc"),
  ...paging(10),
});

export function deployRoutes(router: Router<ApiState>, core: Core, settings: OteSettings): void {
  const auth = oteAuth(core);
  const deployments = new OteDeployments(core);
  const autoApprove = (ctx: ApiContext) => isAdmin(caller(ctx)) && settings.adminAutoDeploy;
  const present = (d: OteDeployment, fields: string[] = []) => presentDeployment(core, d, fields);
  const fieldsOf = (f: string | undefined) => (f ? f.split(",").map((s) => s.trim()) : []);
  const visible = (ctx: ApiContext) =>
    deployments.list().filter((d) => canSee(core, caller(ctx), d.service.scope));
  const mine = (ctx: ApiContext, d: OteDeployment) => {
    if (!canSee(core, caller(ctx), d.service.scope)) throw new NotFoundError("deployment", d.service.name);
    return d;
  };
  const byName = (ctx: ApiContext, namespace: string | undefined) =>
    mine(ctx, deployments.byName(namespace ?? null, ctx.params["name"] as string));
  const byId = (ctx: ApiContext) => mine(ctx, deployments.get(input(ctx, OteIdParams).id));

  const create = (
    ctx: ApiContext,
    b: {
      deployName: string;
      appName: string;
      version: string;
      namespace: string;
      clusterLabel: string;
      nodeLabel: string;
      comment: string;
    },
  ) => {
    requireNamespace(core, ctx, b.namespace);
    // Deploying is submitting into the business's quota unit: core.authz decides membership.
    const unitId = businessUnitOf(core, b.namespace)?.id ?? null;
    core.authz.require(
      caller(ctx),
      "unit.submit",
      { kind: "unit", unitId },
      `namespace ${b.namespace} is not yours`,
    );
    requireAppVersion(core, b.namespace, b.appName, b.version);
    return deployments.create({
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
  };
  const documentedCreate = compose([
    validate(DocumentedDeployBody),
    async (ctx) => {
      const b = input(ctx, DocumentedDeployBody);
      create(ctx, { ...b, namespace: ownNamespace(core, ctx), clusterLabel: b.cluster });
      ok(ctx);
    },
  ]);
  const legacyCreate = compose([
    validate(DeployBody),
    async (ctx) => ok(ctx, present(create(ctx, input(ctx, DeployBody)))),
  ]);
  // The document's body names no namespace; the older hub's does (and says clusterLabel).
  router.post("/deploy", auth, (ctx, next) => {
    const body = (ctx.request as { body?: Record<string, unknown> }).body ?? {};
    return body["namespace"] === undefined ? documentedCreate(ctx, next) : legacyCreate(ctx, next);
  });
  router.get("/deploy", auth, validate(DeployListQuery, "query"), (ctx) => {
    const q = input(ctx, DeployListQuery);
    const fields = fieldsOf(q.field);
    const list = visible(ctx)
      .filter((d) => !q.deployName || d.service.name.includes(q.deployName))
      .filter((d) => matchName(d.record.appName, q.appName, q.appNameMode))
      .filter((d) => q.editable === "all" || String(editable(d)) === q.editable)
      // Running: a version of the app is in effect (approved, not deleted).
      .filter((d) => q.running === "all" || (d.service.deletedAt === null && versionOf(d) !== null))
      .filter((d) => !q.namespace || d.service.scope === q.namespace)
      .filter((d) => !q.clusterLabel || labelOf(d.service.targets.clusterLabel) === q.clusterLabel)
      .filter((d) => !q.nodeLabel || labelOf(d.service.targets.nodeLabel) === q.nodeLabel)
      .filter((d) => q.status === undefined || documentedStatus(d) === q.status)
      .filter((d) => q.deployType === undefined || documentedOp(d.record.lastOp) === q.deployType)
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
  // The document's upgrade (POST) and rollback (PUT) by deployment id.
  router.post("/deploy/id/:id", auth, validate(OteIdParams, "params"), validate(VersionBody), (ctx) => {
    const b = input(ctx, VersionBody);
    op(ctx, byId(ctx), DeployOp.upgrade, b.version, b.comment);
  });
  router.put("/deploy/id/:id", auth, validate(OteIdParams, "params"), validate(VersionBody), (ctx) => {
    const b = input(ctx, VersionBody);
    op(ctx, byId(ctx), DeployOp.rollback, b.version, b.comment);
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
        (d) =>
          canSee(core, caller(ctx), d.service.scope) && (!q.namespace || d.service.scope === q.namespace),
      )
      .map((d) => {
        // The document's audit row: the deployment's id as deployId, the operation asked.
        const view = present(d, ["historyVersion"]);
        return {
          ...view,
          deployId: d.id,
          businessName: businessNameOf(core, d.service.scope) ?? "",
          version: d.record.pending?.version ?? view["version"],
          cluster: labelOf(d.service.targets.clusterLabel),
          deployType: documentedOp(d.record.pending?.op ?? d.record.lastOp),
          status: 0,
          comment: d.record.comment,
        };
      })
      .filter((r) => !q.businessName || r.businessName === q.businessName)
      .sort((a, b) => (q.order === "asc" ? a.deployId - b.deployId : b.deployId - a.deployId));
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.put("/admin/deploy", auth, oteRole(2), validate(DocumentedAuditBody), (ctx) => {
    const b = input(ctx, DocumentedAuditBody);
    const d = mine(ctx, deployments.get(b.id));
    if (b.status === 0) {
      if (statusOf(d) !== DeployStatus.waitingAudit)
        throw new ValidationError("id", `deployment ${d.service.name} is not waiting for audit`);
      deployments.remark(d, b.comment);
    } else auditOne(ctx, d, b.status === 1, b.comment);
    ok(ctx);
  });
  const auditOne = (ctx: ApiContext, d: OteDeployment, approve: boolean, comment: string) => {
    if (statusOf(d) !== DeployStatus.waitingAudit)
      throw new ValidationError("id", `deployment ${d.service.name} is not waiting for audit`);
    if (d.service.owner === caller(ctx).username && !isAdmin(caller(ctx)))
      throw new ForbiddenError("cannot audit your own deployment");
    return deployments.audit(d, approve, caller(ctx).username, comment);
  };
  router.put(
    "/admin/deploy/:id",
    auth,
    oteRole(2),
    validate(OteIdParams, "params"),
    validate(AuditBody),
    (ctx) => {
      const b = input(ctx, AuditBody);
      ok(ctx, present(auditOne(ctx, byId(ctx), b.status === 1, b.comment)));
    },
  );
}
