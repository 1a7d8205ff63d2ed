import type { Clock } from "../clock";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { Store } from "../repositories";
import { newId } from "../secrets";
import type { ServiceTemplate } from "./model";
import { checkReplicaSpec } from "./spec-check";

export type NewTemplate = Omit<ServiceTemplate, "id" | "createdAt" | "updatedAt">;

/** Named, versioned recipes in a scope; a version is stored once and never changed. */
export class ServiceTemplateService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Oldest first. */
  list(): ServiceTemplate[] {
    return this.store.serviceTemplates.list();
  }

  find(scope: string, name: string, version: string): ServiceTemplate | undefined {
    return this.list().find((t) => t.scope === scope && t.name === name && t.version === version);
  }

  get(scope: string, name: string, version: string): ServiceTemplate {
    const t = this.find(scope, name, version);
    if (!t) throw new NotFoundError("template", `${name}:${version}`);
    return t;
  }

  /** Versions of one template name in a scope, oldest first. */
  versions(scope: string, name: string): ServiceTemplate[] {
    return this.list().filter((t) => t.scope === scope && t.name === name);
  }

  /**
   * Stores a new version. Every version of a name keeps the first one's placement, so a service
   * rolling from one to another never changes how its replicas are placed.
   */
  create(input: NewTemplate): ServiceTemplate {
    const versions = this.versions(input.scope, input.name);
    const first = versions[0];
    if (first && first.placement !== input.placement)
      throw new ValidationError(
        "placement",
        `template ${input.name} is placed ${first.placement}; versions cannot change it`,
      );
    checkReplicaSpec(input.spec);
    if (versions.some((t) => t.version === input.version))
      throw new ConflictError(`template ${input.name}:${input.version} already exists in ${input.scope}`);
    const now = this.clock.now();
    const template: ServiceTemplate = { ...input, id: newId(), createdAt: now, updatedAt: now };
    this.store.serviceTemplates.insert(template);
    return template;
  }

  /** Refused while a live service runs a revision made from it. */
  delete(template: ServiceTemplate): void {
    const user = this.store.replicatedServices
      .list()
      .find(
        (s) =>
          s.deletedAt === null &&
          s.revisions.some((r) => r.number === s.current && r.templateId === template.id),
      );
    if (user)
      throw new ConflictError(
        `template ${template.name}:${template.version} is used by service ${user.name}`,
      );
    this.store.serviceTemplates.delete(template.id);
  }
}
