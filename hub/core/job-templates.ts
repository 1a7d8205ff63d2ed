import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import type { JobTemplate, NewJobTemplate } from "./job-template-model";
import type { Store } from "./repositories";
import { newId } from "./secrets";

/** Names: 1-64 letters, digits, '-' or '_' (ModelArts's algorithm and job names). */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Reusable batch-job definitions (ModelArts algorithms), stored per scope (surface). */
export class JobTemplateService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Oldest first. */
  list(scope: string): JobTemplate[] {
    return this.store.jobTemplates.list(scope);
  }

  find(id: string): JobTemplate | undefined {
    return this.store.jobTemplates.byId(id);
  }

  /** NotFoundError("job template") when there is none in `scope`. */
  get(scope: string, id: string): JobTemplate {
    const t = this.find(id);
    if (!t || t.scope !== scope) throw new NotFoundError("job template", id);
    return t;
  }

  create(input: NewJobTemplate): JobTemplate {
    this.check(input);
    const now = this.clock.now();
    const template: JobTemplate = { ...input, id: newId(), createdAt: now, updatedAt: now };
    this.store.transaction(() => {
      this.refuseDuplicate(template);
      this.store.jobTemplates.insert(template);
    });
    return template;
  }

  /** Replaces everything but the identity (id, scope, owner, creation time). */
  update(template: JobTemplate, changes: Omit<NewJobTemplate, "scope" | "owner">): JobTemplate {
    const updated: JobTemplate = { ...template, ...changes, updatedAt: this.clock.now() };
    this.check(updated);
    this.store.transaction(() => {
      this.refuseDuplicate(updated);
      this.store.jobTemplates.update(updated);
    });
    return updated;
  }

  delete(template: JobTemplate): void {
    this.store.jobTemplates.delete(template.id);
  }

  private check(t: NewJobTemplate): void {
    if (!NAME.test(t.name)) throw new ValidationError("name", "1-64 letters, digits, '-' or '_'");
    if (t.image.trim() === "") throw new ValidationError("image", "an image is required");
    for (const [field, list] of [
      ["parameters", t.parameters],
      ["inputs", t.inputs],
      ["outputs", t.outputs],
    ] as const) {
      const names = new Set<string>();
      for (const { name } of list) {
        if (name === "") throw new ValidationError(field, "every entry needs a name");
        if (names.has(name)) throw new ValidationError(field, `${name} appears twice`);
        names.add(name);
      }
    }
  }

  private refuseDuplicate(t: JobTemplate): void {
    const same = this.list(t.scope).find(
      (o) => o.id !== t.id && o.name === t.name && o.quotaUnitId === t.quotaUnitId,
    );
    if (same) throw new ConflictError(`a job template named ${t.name} already exists`);
  }
}
