import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import type { Group, User } from "./model";
import type { Store } from "./repositories";

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** User groups; a user's memberships live on the user (`groups`). */
export class GroupService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  create(input: {
    name: string;
    description?: string;
    externalName?: string;
    extension?: Record<string, unknown>;
  }): Group {
    if (!GROUP_NAME.test(input.name))
      throw new ValidationError("groupname", "must be 1-64 letters, digits, '_', '.' or '-'");
    if (this.store.groups.byName(input.name)) throw new ConflictError(`group ${input.name} already exists`);
    const now = this.clock.now();
    const g: Group = {
      name: input.name,
      description: input.description ?? "",
      externalName: input.externalName ?? "",
      extension: input.extension ?? {},
      createdAt: now,
      updatedAt: now,
    };
    this.store.groups.save(g);
    return g;
  }

  /** Creates the group when missing (bootstrap groups such as OpenPAI's admin and default groups). */
  ensure(name: string, description = ""): Group {
    return this.store.groups.byName(name) ?? this.create({ name, description });
  }

  get(name: string): Group {
    const g = this.store.groups.byName(name);
    if (!g) throw new NotFoundError("group", name);
    return g;
  }

  find(name: string): Group | undefined {
    return this.store.groups.byName(name);
  }

  list(): Group[] {
    return this.store.groups.list();
  }

  save(group: Group): Group {
    const updated = { ...group, updatedAt: this.clock.now() };
    this.store.groups.save(updated);
    return updated;
  }

  /** Removes the group and every membership of it. */
  remove(name: string): void {
    this.get(name);
    this.store.transaction(() => {
      for (const u of this.store.users.list()) {
        if (u.groups.includes(name))
          this.store.users.update({
            ...u,
            groups: u.groups.filter((g) => g !== name),
            updatedAt: this.clock.now(),
          });
      }
      this.store.groups.delete(name);
    });
  }

  members(name: string): User[] {
    return this.store.users.list().filter((u) => u.groups.includes(name));
  }
}
