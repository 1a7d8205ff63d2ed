import type { Clock } from "../clock";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { Store } from "../repositories";
import type { CoreSignals } from "../signals";
import { DeployOp, DeployStatus, type DeployOpCode, type OteApp, type OteDeployment } from "./model";

export interface NewDeployment {
  name: string;
  namespace: string;
  appName: string;
  version: string;
  clusterLabel: string;
  nodeLabel: string;
  comment: string;
  owner: string;
  /** Run at once (an administrator with enableAdminAutoDeploy); otherwise wait for an audit. */
  autoApprove: boolean;
}

/**
 * OTE deployments as audited operations: create, upgrade, rollback and delete each become a
 * history entry; a general user's operation waits (status 0) until an administrator approves it,
 * then takes effect and the controller converges. One operation may wait at a time.
 */
export interface DeploymentSettings {
  /** CORRAL_REGISTRY_URL: the OCI registry behind /v1/repository; null: none configured. */
  registryUrl: string | null;
  /** CORRAL_OTE_ADMIN_AUTO_DEPLOY: administrators' operations skip the audit. @default true */
  adminAutoDeploy: boolean;
}

export class DeploymentService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
    readonly settings: DeploymentSettings,
  ) {}

  /** App versions, oldest first. */
  apps(): OteApp[] {
    return this.store.otestack.apps();
  }

  app(namespace: string, name: string, version: string): OteApp {
    const app = this.apps().find(
      (a) => a.namespace === namespace && a.name === name && a.version === version,
    );
    if (!app) throw new NotFoundError("app", `${name}:${version}`);
    return app;
  }

  /** Stores a new app version `<mainVersion>.<n>`, n counting from 0 per (namespace, app, main). */
  createApp(input: Omit<OteApp, "id" | "version" | "createdAt" | "updatedAt">): OteApp {
    const same = this.apps().filter(
      (a) => a.namespace === input.namespace && a.name === input.name && a.mainVersion === input.mainVersion,
    );
    const kinds = new Set(
      this.apps()
        .filter((a) => a.namespace === input.namespace && a.name === input.name)
        .map((a) => a.kind),
    );
    if (kinds.size > 0 && !kinds.has(input.kind))
      throw new ValidationError(
        "deployType",
        `app ${input.name} is a ${[...kinds][0]}; versions cannot change it`,
      );
    const now = this.clock.now();
    return this.store.otestack.insertApp({
      ...input,
      version: `${input.mainVersion}.${same.length}`,
      createdAt: now,
      updatedAt: now,
    });
  }

  deleteApp(app: OteApp): void {
    const used = this.list().find(
      (d) =>
        d.deletedAt === null &&
        d.namespace === app.namespace &&
        d.appName === app.name &&
        (d.version === app.version || d.pending?.version === app.version),
    );
    if (used) throw new ConflictError(`app version ${app.version} is used by deployment ${used.name}`);
    this.store.otestack.deleteApp(app.id);
  }

  list(): OteDeployment[] {
    return this.store.otestack.deployments();
  }

  get(id: number): OteDeployment {
    const d = this.store.otestack.deploymentById(id);
    if (!d || d.deletedAt !== null) throw new NotFoundError("deployment", String(id));
    return d;
  }

  byName(namespace: string | null, name: string): OteDeployment {
    const live = this.list().filter(
      (d) => d.deletedAt === null && d.name === name && (namespace === null || d.namespace === namespace),
    );
    if (live.length === 0) throw new NotFoundError("deployment", name);
    if (live.length > 1) throw new ConflictError(`deployment ${name} exists in several namespaces: name one`);
    return live[0] as OteDeployment;
  }

  create(input: NewDeployment): OteDeployment {
    const app = this.app(input.namespace, input.appName, input.version);
    if (
      this.list().some(
        (d) => d.deletedAt === null && d.namespace === input.namespace && d.name === input.name,
      )
    )
      throw new ConflictError(`deployment ${input.name} already exists in ${input.namespace}`);
    const now = this.clock.now();
    const d = this.store.otestack.insertDeployment({
      name: input.name,
      namespace: input.namespace,
      owner: input.owner,
      appName: app.name,
      kind: app.kind,
      version: null,
      pending: { op: DeployOp.create, version: app.version },
      clusterLabel: input.clusterLabel,
      nodeLabel: input.nodeLabel,
      replicas: app.isHPA ? Math.max(app.minReplicas, app.replicas) : app.replicas,
      status: DeployStatus.waitingAudit,
      lastOp: DeployOp.create,
      comment: input.comment,
      auditComment: "",
      history: [
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
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    return input.autoApprove ? this.audit(d, true, input.owner, "", "auto") : d;
  }

  /** Upgrade (newer version), rollback (an earlier version this deployment ran) or delete. */
  request(
    d: OteDeployment,
    op: Exclude<DeployOpCode, 0>,
    version: string | null,
    by: string,
    comment: string,
    autoApprove: boolean,
  ): OteDeployment {
    // A delete may interrupt a rollout that cannot finish; nothing may jump an audit queue.
    if (d.pending !== null || (op !== DeployOp.delete && !editable(d)))
      throw new ConflictError(`deployment ${d.name} is not editable now (status ${d.status})`);
    let target = d.version ?? "";
    if (op !== DeployOp.delete) {
      if (!version) throw new ValidationError("version", "is required");
      if (version === d.version) throw new ValidationError("version", `deployment already runs ${version}`);
      const app = this.apps().find(
        (a) => a.namespace === d.namespace && a.name === d.appName && a.version === version,
      );
      if (!app) throw new ValidationError("version", `app ${d.appName} has no version ${version}`);
      if (
        op === DeployOp.rollback &&
        !d.history.some((h) => h.version === app.version && h.audit !== "rejected")
      )
        throw new ValidationError("version", `deployment ${d.name} never ran version ${version}`);
      target = app.version;
    }
    const now = this.clock.now();
    const pending: OteDeployment = {
      ...d,
      pending: { op, version: target },
      status: DeployStatus.waitingAudit,
      lastOp: op,
      comment,
      history: [
        ...d.history,
        { op, version: target, by, at: now, audit: "pending", comment, auditComment: "" },
      ],
      updatedAt: now,
    };
    this.store.otestack.updateDeployment(pending);
    // Keep the previous status visible to the controller until approval: a waiting upgrade does
    // not stop the running version.
    return autoApprove ? this.audit(pending, true, by, "", "auto") : pending;
  }

  /** Approves or rejects the waiting operation. */
  audit(
    d: OteDeployment,
    approve: boolean,
    by: string,
    auditComment: string,
    how: "approved" | "auto" = "approved",
  ): OteDeployment {
    if (!d.pending) throw new ConflictError(`deployment ${d.name} has no operation waiting for audit`);
    const now = this.clock.now();
    const history = d.history.map((h, i) =>
      i === d.history.length - 1 ? { ...h, audit: approve ? how : ("rejected" as const), auditComment } : h,
    );
    let next: OteDeployment = { ...d, history, auditComment, pending: null, updatedAt: now };
    if (!approve) {
      next.status = d.version === null ? DeployStatus.notApproved : DeployStatus.running;
    } else if (d.pending.op === DeployOp.delete) {
      next = { ...next, status: DeployStatus.deleted, deletedAt: now };
    } else {
      next = { ...next, version: d.pending.version, status: DeployStatus.deploying };
    }
    this.store.otestack.updateDeployment(next);
    this.signals.schedulingNeeded.emit(`deployment ${d.name} audited`);
    return next;
  }

  /** Deployments with an operation waiting for audit. */
  waiting(): OteDeployment[] {
    return this.list().filter((d) => d.deletedAt === null && d.pending !== null);
  }
}

/** Whether a new operation may be requested now: none waits and no rollout is in progress. */
export const editable = (d: OteDeployment): boolean =>
  d.deletedAt === null && d.pending === null && d.status !== DeployStatus.deploying;
