import crypto from "node:crypto";
import type { Core } from "../../core";
import { ConflictError } from "../../core/errors";
import type { InferenceModel } from "../../core/inference-model-model";
import type { User } from "../../core/model";
import type { NewRevision, ReplicatedService } from "../../core/services/model";
import type { Replica } from "../../core/services/replicas";
import { GENERIC, ModelArtsError } from "./errors";
import type { InferenceServiceRef, ServiceDirectory } from "./inference-contract";
import {
  countKeys,
  MAX_EVENTS,
  MAX_UPDATES,
  recordOf,
  SERVICE_EXTENSION,
  type ConfigLink,
  type ConfigRecord,
  type OperationEvent,
  type ServiceRecord,
} from "./service-record";

/** A config as a route hands it over (its replica set not made yet). */
export type ConfigInput = Omit<ConfigRecord, "coreServiceId">;

/** ModelArts's words for a real-time service's state. */
export type MaServiceStatus = "running" | "deploying" | "concerning" | "failed" | "stopped";

/** One running instance a call can go to. */
export interface Instance {
  config: ConfigRecord;
  replica: Replica;
  nodeId: string;
  taskId: string;
  attempt: number;
}

/** The gateway path of a service (Huawei's access_address is `https://{endpoint}/v1/infers/{id}`). */
export const accessPathOf = (serviceId: string): string => `/v1/infers/${serviceId}`;

/** "Not found" for a service id: ModelArts answers a business error (400). */
export const serviceNotFound = (id: string): ModelArtsError =>
  new ModelArtsError(400, "ModelArts.3502", `service ${id} does not exist`);

/**
 * Real-time services over the core's replicated services: every `config[]` entry is a replica set
 * of its own (its model's container, its instance count), so a config rolls, scales and heals as
 * replica sets do (docs/architecture.md §2); the first config's replica set (the anchor) carries
 * the service's ModelArts record and its id is the `service_id`. Also the ServiceDirectory that
 * app authentication looks services up in.
 */
export class InferenceServices implements ServiceDirectory {
  constructor(
    private readonly core: Core,
    private readonly workspaceIdOf: (unitId: string | null) => string,
  ) {}

  /** Live real-time services, oldest first. */
  list(): ReplicatedService[] {
    return this.core.replicatedServices.list().filter((s) => recordOf(s) !== undefined);
  }

  /** A live service by id, or undefined. */
  lookup(id: string): ReplicatedService | undefined {
    const s = this.core.replicatedServices.find(id);
    return s && s.deletedAt === null && recordOf(s) ? s : undefined;
  }

  /** A live service by id; 400 ModelArts.3502 when none. */
  get(id: string): ReplicatedService {
    const s = this.lookup(id);
    if (!s) throw serviceNotFound(id);
    return s;
  }

  record(s: ReplicatedService): ServiceRecord {
    return recordOf(this.core.replicatedServices.find(s.id) ?? s) as ServiceRecord;
  }

  /** ServiceDirectory: the service as app authentication sees it. */
  find(serviceId: string): InferenceServiceRef | undefined {
    const s = this.lookup(serviceId);
    if (!s) return undefined;
    const owner = this.core.users.find(s.owner);
    return {
      id: s.id,
      name: this.record(s).serviceName,
      ownerId: owner?.id ?? s.owner,
      workspaceId: this.workspaceIdOf(s.quotaUnitId),
      accessPath: accessPathOf(s.id),
    };
  }

  /** Deploys a service: one replica set per config, instances starting at once. */
  deploy(
    user: User,
    input: { name: string; description: string; unitId: string; workspaceId: string; configs: ConfigInput[] },
  ): ReplicatedService {
    if (this.list().some((s) => s.quotaUnitId === input.unitId && this.record(s).serviceName === input.name))
      throw new ModelArtsError(
        400,
        "ModelArts.3503",
        `service ${input.name} already exists in this workspace`,
      );
    const now = this.core.clock.now();
    const [first, ...rest] = input.configs as [ConfigInput, ...ConfigInput[]];
    const anchor = this.core.replicatedServices.create({
      scope: `modelarts-service:${input.unitId}`,
      name: input.name,
      owner: user.username,
      placement: "spread",
      targets: { clusterLabel: null, nodeLabel: null },
      replicas: first.instanceCount,
      quotaUnitId: input.unitId,
      revision: this.revision(first),
    });
    const configs: ConfigRecord[] = [{ ...first, coreServiceId: anchor.id }];
    try {
      rest.forEach((c, i) =>
        configs.push({ ...c, coreServiceId: this.satellite(anchor, c, i + 1, false).id }),
      );
    } catch (err) {
      // No half-deployed service: the replica sets made so far stop again.
      for (const c of configs)
        this.core.replicatedServices.delete(this.core.replicatedServices.get(c.coreServiceId));
      throw err;
    }
    const record: ServiceRecord = {
      kind: "real-time-service",
      serviceName: input.name,
      description: input.description,
      workspaceId: input.workspaceId,
      configs,
      stopped: false,
      tags: [],
      updates: [{ updateTime: now, result: "RUNNING", config: configs, cause: "deploy" }],
      events: [{ eventType: "normal", eventInfo: `${user.username} deployed the service`, occurTime: now }],
      transitionAt: now,
    };
    return this.core.replicatedServices.annotate(anchor, SERVICE_EXTENSION, record);
  }

  /**
   * Replaces the configs: a config whose model, specification or envs changed rolls its replica set
   * to a new revision (maxSurge 1, maxUnavailable 0); a changed count scales it; new configs get
   * replica sets of their own, dropped ones are deleted. Returns the update time.
   */
  updateConfigs(anchor: ReplicatedService, configs: ConfigInput[], by: User): number {
    const record = this.record(anchor);
    const now = this.core.clock.now();
    const next: ConfigRecord[] = configs.map((c, i) => {
      const old = record.configs[i];
      if (!old) return { ...c, coreServiceId: this.satellite(anchor, c, i, record.stopped).id };
      const s = this.core.replicatedServices.get(old.coreServiceId);
      const revision = this.revision(c);
      const current = s.revisions.find((r) => r.number === s.current);
      if (current?.version !== revision.version)
        this.core.replicatedServices.rollOut(s, revision, by.username);
      if (!record.stopped && s.replicas !== c.instanceCount)
        this.core.replicatedServices.scale(s, c.instanceCount);
      return { ...c, coreServiceId: old.coreServiceId };
    });
    for (const dropped of record.configs.slice(configs.length))
      this.core.replicatedServices.delete(this.core.replicatedServices.get(dropped.coreServiceId));
    this.save(anchor, {
      ...record,
      configs: next,
      updates: [
        ...record.updates,
        { updateTime: now, result: "RUNNING" as const, config: next, cause: "update" },
      ].slice(-MAX_UPDATES),
      events: this.withEvent(record, "normal", `${by.username} updated the service configuration`),
    });
    return now;
  }

  /** Sets one config's instance count (single-property update). */
  scaleModel(anchor: ReplicatedService, modelId: string, count: number, by: User): number {
    const record = this.record(anchor);
    const i = record.configs.findIndex((c) => c.modelId === modelId);
    if (i < 0)
      throw new ModelArtsError(
        400,
        GENERIC.invalid,
        `invalid configs.model_id: the service does not deploy ${modelId}`,
      );
    const configs = record.configs.map((c, j) => (j === i ? { ...c, instanceCount: count } : c));
    return this.updateConfigs(anchor, configs, by);
  }

  /** Stops (no instance runs; counts kept) or starts the service again. */
  setRunning(anchor: ReplicatedService, running: boolean, by: User): void {
    const record = this.record(anchor);
    if (record.stopped === !running) return;
    for (const c of record.configs)
      this.core.replicatedServices.scale(
        this.core.replicatedServices.get(c.coreServiceId),
        running ? c.instanceCount : 0,
      );
    this.save(anchor, {
      ...record,
      stopped: !running,
      transitionAt: this.core.clock.now(),
      events: this.withEvent(
        record,
        "normal",
        `${by.username} ${running ? "started" : "stopped"} the service`,
      ),
    });
  }

  describe(anchor: ReplicatedService, description: string): void {
    this.save(anchor, { ...this.record(anchor), description });
  }

  setTags(anchor: ReplicatedService, tags: { key: string; value: string }[]): void {
    this.save(anchor, { ...this.record(anchor), tags });
  }

  /** Deletes the service: every config's replica set stops for good. */
  delete(anchor: ReplicatedService): void {
    const record = this.record(anchor);
    for (const c of [...record.configs].reverse()) {
      const s = this.core.replicatedServices.find(c.coreServiceId);
      if (s && s.deletedAt === null) this.core.replicatedServices.delete(s);
    }
    // Its registered APIs go with it (app authentication), so apps bound only to it can be deleted.
    this.core.apps.forgetService(anchor.id);
    this.core.invocations.forget(countKeys.service(anchor.id));
    for (const c of record.configs) {
      this.core.invocations.forget(countKeys.config(c.coreServiceId));
      this.core.invocations.forget(countKeys.failed(c.coreServiceId));
    }
  }

  /** Live instances of each config (running or not), for monitor and status. */
  replicas(anchor: ReplicatedService): { config: ConfigRecord; replicas: Replica[] }[] {
    return this.record(anchor).configs.map((config) => ({
      config,
      replicas: this.core.serviceController.replicas(config.coreServiceId),
    }));
  }

  /** Instances a call may go to now: running replicas of every config, any revision. */
  instances(anchor: ReplicatedService): Instance[] {
    return this.replicas(anchor).flatMap(({ config, replicas }) =>
      replicas.flatMap((replica) =>
        replica.running && replica.task?.nodeId
          ? [
              {
                config,
                replica,
                nodeId: replica.task.nodeId,
                taskId: replica.task.id,
                attempt: replica.task.attempt,
              },
            ]
          : [],
      ),
    );
  }

  /** ModelArts status, progress (percent of wanted instances running) and the failure reason. */
  status(anchor: ReplicatedService): { status: MaServiceStatus; progress: number; errorMsg: string } {
    const record = this.record(anchor);
    if (record.stopped) return { status: "stopped", progress: 0, errorMsg: "" };
    let running = 0;
    let wanted = 0;
    let failed = "";
    let degraded = false;
    let settled = true;
    for (const c of record.configs) {
      const s = this.core.replicatedServices.find(c.coreServiceId);
      if (!s) continue;
      const h = this.core.serviceController.health(s);
      running += Math.min(h.running, c.instanceCount);
      wanted += c.instanceCount;
      if (s.status === "failed") failed = h.reason ?? "instances fail";
      if (s.status === "degraded") degraded = true;
      if (s.status !== "available" || h.running < c.instanceCount) settled = false;
    }
    const progress = wanted === 0 ? 100 : Math.floor((running / wanted) * 100);
    if (failed) return { status: "failed", progress, errorMsg: failed };
    if (settled) return { status: "running", progress: 100, errorMsg: "" };
    return { status: degraded ? "concerning" : "deploying", progress, errorMsg: "" };
  }

  /** Names of live services that deploy `model` (a model in use cannot be deleted). */
  modelUsers(model: InferenceModel): string[] {
    return this.list()
      .filter((s) => this.record(s).configs.some((c) => c.modelId === model.id))
      .map((s) => this.record(s).serviceName);
  }

  /** The model of a config; ConflictError when it was deleted meanwhile. */
  modelOf(config: ConfigRecord): InferenceModel {
    const m = this.core.inferenceModels.find(config.modelId);
    if (!m) throw new ConflictError(`model ${config.modelId} no longer exists`);
    return m;
  }

  private satellite(
    anchor: ReplicatedService,
    c: ConfigInput,
    index: number,
    stopped: boolean,
  ): ReplicatedService {
    const link: ConfigLink = { kind: "real-time-config", anchorId: anchor.id };
    return this.core.replicatedServices.create({
      scope: `modelarts-config:${anchor.id}`,
      name: `${anchor.name}-${index}-${crypto.randomBytes(3).toString("hex")}`,
      owner: anchor.owner,
      placement: "spread",
      targets: { clusterLabel: null, nodeLabel: null },
      replicas: stopped ? 0 : c.instanceCount,
      quotaUnitId: anchor.quotaUnitId,
      revision: this.revision(c),
      extension: { [SERVICE_EXTENSION]: link },
    });
  }

  /**
   * The replica recipe of a config: its model's container, port and env plus the config's envs,
   * held to its specification. The version names the model and a digest of the recipe, so a
   * changed model, specification or env rolls the replica set and an unchanged one does not.
   */
  private revision(c: ConfigInput): NewRevision {
    const model = this.core.inferenceModels.get(c.modelId);
    const spec = {
      image: model.image,
      command: [],
      args: [],
      env: { ...model.env, ...c.envs },
      ports: [{ containerPort: model.port, hostPort: 0, protocol: "tcp" as const }],
      cpuMilli: c.resources.cpuMilli,
      memoryMiB: c.resources.memoryMiB,
      registryCredentialId: null,
      gpu: c.resources.gpu,
    };
    const digest = crypto.createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 12);
    return {
      version: `${model.name}-${model.version}-${digest}`,
      spec,
      rollout: { maxSurge: 1, maxUnavailable: 0, minReadySeconds: 0 },
      autoscale: {
        enabled: false,
        minReplicas: c.instanceCount,
        maxReplicas: c.instanceCount,
        cpuTargetPercent: 80,
        memoryTargetPercent: 80,
      },
      templateId: null,
    };
  }

  private withEvent(
    record: ServiceRecord,
    type: OperationEvent["eventType"],
    info: string,
  ): OperationEvent[] {
    return [...record.events, { eventType: type, eventInfo: info, occurTime: this.core.clock.now() }].slice(
      -MAX_EVENTS,
    );
  }

  private save(anchor: ReplicatedService, record: ServiceRecord): void {
    this.core.replicatedServices.annotate(anchor, SERVICE_EXTENSION, record);
  }
}
