import type { Clock } from "../clock";
import { checkName } from "../names";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { Store } from "../repositories";
import { newId } from "../secrets";
import type { CoreSignals } from "../signals";
import type { NewRevision, Placement, ReplicatedService, ServiceTargets } from "./model";

export interface NewService {
  scope: string;
  name: string;
  owner: string;
  placement: Placement;
  targets: ServiceTargets;
  /** Per selected cluster (`spread`). */
  replicas: number;
  /** @default null */
  quotaUnitId?: string | null;
  /** Starts running at once; absent: the service is created stopped, with no revision. */
  revision?: NewRevision;
  /** Surface records, keyed by surface name. @default {} */
  extension?: Record<string, unknown>;
}

/**
 * Replicated services: create, roll out a revision, roll back, scale, delete. Every change is a
 * write of the service; the ServiceController converges replicas towards it.
 */
export class ReplicatedServiceService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
  ) {}

  /** Live services, oldest first. */
  list(): ReplicatedService[] {
    return this.store.replicatedServices.list().filter((s) => s.deletedAt === null);
  }

  /** Whether any service was ever created (deleted ones included). */
  any(): boolean {
    return this.store.replicatedServices.list().length > 0;
  }

  /** Live or deleted, by id. */
  find(id: string): ReplicatedService | undefined {
    return this.store.replicatedServices.byId(id);
  }

  /** A live service. */
  get(id: string): ReplicatedService {
    const s = this.find(id);
    if (!s || s.deletedAt !== null) throw new NotFoundError("service", id);
    return s;
  }

  /** A live service by name, in `scope` or (null) in whichever single scope has it. */
  byName(scope: string | null, name: string): ReplicatedService {
    const live = this.list().filter((s) => s.name === name && (scope === null || s.scope === scope));
    if (live.length === 0) throw new NotFoundError("service", name);
    if (live.length > 1) throw new ConflictError(`service ${name} exists in several scopes: name one`);
    return live[0] as ReplicatedService;
  }

  create(input: NewService): ReplicatedService {
    checkName("name", input.name);
    if (this.list().some((s) => s.scope === input.scope && s.name === input.name))
      throw new ConflictError(`service ${input.name} already exists in ${input.scope}`);
    checkReplicas(input.replicas);
    const now = this.clock.now();
    const service: ReplicatedService = {
      id: newId(),
      scope: input.scope,
      name: input.name,
      owner: input.owner,
      placement: input.placement,
      targets: input.targets,
      replicas: input.replicas,
      quotaUnitId: input.quotaUnitId ?? null,
      revisions: [],
      current: null,
      history: [],
      status: "stopped",
      extension: input.extension ?? {},
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    this.store.replicatedServices.insert(service);
    return input.revision ? this.rollOut(service, input.revision, input.owner) : service;
  }

  /**
   * Makes `revision` the one in effect. A version the service ran before is run again as that
   * revision (its replicas count as current); a new version becomes the next revision number.
   */
  rollOut(service: ReplicatedService, revision: NewRevision, by: string): ReplicatedService {
    const live = this.get(service.id);
    const known = live.revisions.find((r) => r.version === revision.version);
    if (known && known.number === live.current)
      throw new ValidationError("version", `service ${live.name} already runs ${revision.version}`);
    const now = this.clock.now();
    const number = known?.number ?? live.revisions.length + 1;
    const revisions = known
      ? live.revisions
      : [...live.revisions, { ...revision, number, createdAt: now, createdBy: by }];
    return this.switchTo(live, revisions, number, live.current === null ? "start" : "update", by);
  }

  /** Runs an earlier revision again. */
  rollBack(service: ReplicatedService, revisionNumber: number, by: string): ReplicatedService {
    const live = this.get(service.id);
    if (!live.revisions.some((r) => r.number === revisionNumber))
      throw new ValidationError("revision", `service ${live.name} has no revision ${revisionNumber}`);
    if (revisionNumber === live.current)
      throw new ValidationError("revision", `service ${live.name} already runs revision ${revisionNumber}`);
    return this.switchTo(live, live.revisions, revisionNumber, "rollback", by);
  }

  /** Desired replicas per selected cluster (`spread` services). */
  scale(service: ReplicatedService, replicas: number): ReplicatedService {
    checkReplicas(replicas);
    const saved = this.save({ ...this.get(service.id), replicas });
    this.signals.schedulingNeeded.emit(`service ${service.name} scaled`);
    return saved;
  }

  /** Stops every replica for good; the service is kept as deleted. */
  delete(service: ReplicatedService): ReplicatedService {
    const now = this.clock.now();
    const saved = this.save({ ...this.get(service.id), status: "stopped", deletedAt: now });
    this.signals.schedulingNeeded.emit(`service ${service.name} deleted`);
    return saved;
  }

  /** Replaces one surface's record on the service (core never reads it). */
  annotate(service: ReplicatedService, surface: string, record: unknown): ReplicatedService {
    const fresh = this.find(service.id) ?? service;
    return this.save({ ...fresh, extension: { ...fresh.extension, [surface]: record } });
  }

  /** Writes the service as the controller sees it (status, autoscaled replicas). */
  save(service: ReplicatedService): ReplicatedService {
    const updated = { ...service, updatedAt: this.clock.now() };
    this.store.replicatedServices.update(updated);
    return updated;
  }

  private switchTo(
    live: ReplicatedService,
    revisions: ReplicatedService["revisions"],
    number: number,
    cause: "start" | "update" | "rollback",
    by: string,
  ): ReplicatedService {
    const now = this.clock.now();
    const saved = this.save({
      ...live,
      revisions,
      current: number,
      status: "progressing",
      history: [...live.history, { revision: number, cause, by, at: now }],
    });
    this.signals.schedulingNeeded.emit(`service ${live.name} rolls to revision ${number}`);
    return saved;
  }
}

function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new ValidationError("replicas", "must be a whole number >= 0");
}
