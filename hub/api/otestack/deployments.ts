import type { Core } from "../../core";
import { ConflictError, NotFoundError, ValidationError } from "../../core/errors";
import type { ReplicatedService, ServiceTemplate } from "../../core/services/model";
import { revisionOf } from "../../core/services/model";
import { businessUnitOf } from "./business-routes";
import {
  DeployOp,
  editable,
  recordOf,
  documentedStatus,
  SURFACE,
  versionOf,
  type DeployOpCode,
  type OteDeployRecord,
  type OteDeployment,
} from "./deploy-model";
import { oteId, objectOf } from "./ids";

export interface NewDeployment {
  name: string;
  namespace: string;
  appName: string;
  version: string;
  /** OTE selectors as core ones (null: `all`). */
  clusterLabel: string | null;
  nodeLabel: string | null;
  comment: string;
  owner: string;
  /** Run at once (an administrator with enableAdminAutoDeploy); otherwise wait for an audit. */
  autoApprove: boolean;
}

/**
 * OTE deployments as audited operations over core replicated services: create, upgrade, rollback
 * and delete each become an entry of the deployment's audit log; a general user's operation waits
 * (status 0) until an administrator approves it, then takes effect in core and the service
 * controller converges. One operation may wait at a time. A waiting upgrade does not stop the
 * running version.
 */
export class OteDeployments {
  constructor(private readonly core: Core) {}

  /** Live deployments (services with an OTE record), oldest first. */
  list(): OteDeployment[] {
    return this.core.replicatedServices.list().flatMap((s) => {
      const d = this.view(s);
      return d ? [d] : [];
    });
  }

  view(service: ReplicatedService): OteDeployment | undefined {
    const record = recordOf(service);
    return record && { id: oteId(this.core, "deployment", service.id), service, record };
  }

  /** A live deployment by its OTE id. */
  get(id: number): OteDeployment {
    const s = this.core.replicatedServices.find(objectOf(this.core, "deployment", id, "deployment"));
    const d = s && s.deletedAt === null ? this.view(s) : undefined;
    if (!d) throw new NotFoundError("deployment", String(id));
    return d;
  }

  byName(namespace: string | null, name: string): OteDeployment {
    const live = this.list().filter(
      (d) => d.service.name === name && (namespace === null || d.service.scope === namespace),
    );
    if (live.length === 0) throw new NotFoundError("deployment", name);
    if (live.length > 1) throw new ConflictError(`deployment ${name} exists in several namespaces: name one`);
    return live[0] as OteDeployment;
  }

  /** Deployments with an operation waiting for audit. */
  waiting(): OteDeployment[] {
    return this.list().filter((d) => d.record.pending !== null);
  }

  create(input: NewDeployment): OteDeployment {
    const app = this.app(input.namespace, input.appName, input.version);
    if (!app) throw new NotFoundError("app", `${input.appName}:${input.version}`);
    const now = this.core.clock.now();
    const record: OteDeployRecord = {
      appName: app.name,
      pending: { op: DeployOp.create, version: app.version },
      lastOp: DeployOp.create,
      comment: input.comment,
      auditComment: "",
      log: [
        {
          op: DeployOp.create,
          version: app.version,
          by: input.owner,
          at: now,
          audit: "pending",
          comment: input.comment,
          auditComment: "",
        },
      ],
    };
    const service = this.core.replicatedServices.create({
      scope: input.namespace,
      name: input.name,
      owner: input.owner,
      placement: app.placement,
      targets: { clusterLabel: input.clusterLabel, nodeLabel: input.nodeLabel },
      replicas: app.autoscale.enabled ? Math.max(app.autoscale.minReplicas, app.replicas) : app.replicas,
      quotaUnitId: businessUnitOf(this.core, input.namespace)?.id ?? null,
      extension: { [SURFACE]: record },
    });
    const d = this.view(service) as OteDeployment;
    return input.autoApprove ? this.audit(d, true, input.owner, "", "auto") : d;
  }

  /** Upgrade (another version), rollback (an earlier version this deployment ran) or delete. */
  request(
    d: OteDeployment,
    op: Exclude<DeployOpCode, 0>,
    version: string | null,
    by: string,
    comment: string,
    autoApprove: boolean,
  ): OteDeployment {
    // A delete may interrupt a rollout that cannot finish; nothing may jump an audit queue.
    if (d.record.pending !== null || (op !== DeployOp.delete && !editable(d)))
      throw new ConflictError(
        `deployment ${d.service.name} is not editable now (status ${documentedStatus(d)})`,
      );
    const running = versionOf(d);
    let target = running ?? "";
    if (op !== DeployOp.delete) {
      if (!version) throw new ValidationError("version", "is required");
      if (version === running) throw new ValidationError("version", `deployment already runs ${version}`);
      const app = this.app(d.service.scope, d.record.appName, version);
      if (!app) throw new ValidationError("version", `app ${d.record.appName} has no version ${version}`);
      if (op === DeployOp.rollback && !d.service.revisions.some((r) => r.version === app.version))
        throw new ValidationError("version", `deployment ${d.service.name} never ran version ${version}`);
      target = app.version;
    }
    const now = this.core.clock.now();
    const pending = this.annotate(d, {
      ...d.record,
      pending: { op, version: target },
      lastOp: op,
      comment,
      log: [
        ...d.record.log,
        { op, version: target, by, at: now, audit: "pending", comment, auditComment: "" },
      ],
    });
    return autoApprove ? this.audit(pending, true, by, "", "auto") : pending;
  }

  /** Approves (the operation takes effect in core) or rejects the waiting operation. */
  audit(
    d: OteDeployment,
    approve: boolean,
    by: string,
    auditComment: string,
    how: "approved" | "auto" = "approved",
  ): OteDeployment {
    const pending = d.record.pending;
    if (!pending) throw new ConflictError(`deployment ${d.service.name} has no operation waiting for audit`);
    const services = this.core.replicatedServices;
    let service = d.service;
    if (approve && pending.op === DeployOp.delete) service = services.delete(service);
    else if (approve && pending.op === DeployOp.rollback) {
      const revision = service.revisions.find((r) => r.version === pending.version);
      if (!revision) throw new ValidationError("version", `deployment never ran version ${pending.version}`);
      service = services.rollBack(service, revision.number, by);
    } else if (approve) {
      const app = this.app(service.scope, d.record.appName, pending.version);
      if (!app)
        throw new ValidationError("version", `app ${d.record.appName} has no version ${pending.version}`);
      service = services.rollOut(service, revisionOf(app), by);
    }
    const last = d.record.log.length - 1;
    return this.annotate(
      { ...d, service },
      {
        ...d.record,
        pending: null,
        auditComment,
        log: d.record.log.map((h, i) =>
          i === last ? { ...h, audit: approve ? how : ("rejected" as const), auditComment } : h,
        ),
      },
    );
  }

  /** Keeps the waiting operation waiting (audit status 0) with the auditor's comment. */
  remark(d: OteDeployment, auditComment: string): OteDeployment {
    if (!d.record.pending)
      throw new ConflictError(`deployment ${d.service.name} has no operation waiting for audit`);
    return this.annotate(d, { ...d.record, auditComment });
  }

  private annotate(d: OteDeployment, record: OteDeployRecord): OteDeployment {
    return { ...d, service: this.core.replicatedServices.annotate(d.service, SURFACE, record), record };
  }

  private app(namespace: string, name: string, version: string): ServiceTemplate | undefined {
    return this.core.serviceTemplates.find(namespace, name, version);
  }
}
