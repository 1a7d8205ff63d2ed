import type { Clock } from "./clock";
import { ConflictError, ValidationError } from "./errors";
import type { RegistryProject } from "./hub-registry-model";
import type { Store } from "./repositories";
import { newId } from "./secrets";

export type { RegistryProject } from "./hub-registry-model";

/** Project names as registries take them (the first path segment of an image name). */
const PROJECT = /^[a-z0-9][a-z0-9._-]{0,254}$/;

/**
 * Projects of the hub's registry that people created, with their visibility. Images pushed under
 * a name nobody created still form a project of their own (public); surfaces list both.
 */
export class RegistryProjectService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Oldest first. */
  list(): RegistryProject[] {
    return this.store.registryProjects.list();
  }

  byName(name: string): RegistryProject | undefined {
    return this.list().find((p) => p.name === name);
  }

  create(input: { name: string; public: boolean; owner: string }): RegistryProject {
    if (!PROJECT.test(input.name))
      throw new ValidationError("name", "must be 1-255 lower-case letters, digits, '.', '_' or '-'");
    if (this.byName(input.name)) throw new ConflictError(`project ${input.name} already exists`);
    const project: RegistryProject = { ...input, id: newId(), createdAt: this.clock.now() };
    this.store.registryProjects.insert(project);
    return project;
  }

  /** Forgets the record; the caller makes sure no image is left under it. */
  delete(project: RegistryProject): void {
    this.store.registryProjects.delete(project.id);
  }
}
