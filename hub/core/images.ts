import type { Clock } from "./clock";
import {
  AgentUnavailableError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "./errors";
import type { ImageRecord, ImageStatus } from "./image-model";
import type { User, Workload } from "./model";
import type { Store } from "./repositories";
import { newId } from "./secrets";

export interface NewImage {
  reference: string;
  owner: string;
  quotaUnitId?: string | null;
  description?: string;
  meta?: Record<string, unknown>;
}

/**
 * An image reference as Docker reads it: optional registry host[:port], path components of
 * lowercase letters, digits and separators, an optional tag and/or digest. At most 512 characters.
 */
const REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function checkImageReference(reference: string, field = "reference"): void {
  if (reference.length > 512 || !REFERENCE.test(reference)) {
    throw new ValidationError(field, "must be an image reference such as registry:5000/team/name:tag");
  }
}

/** Saves a task's container as an image on its node (implemented by the agent gateway). */
export interface ImageCommitter {
  /** Resolves with the engine's image id. */
  commit(nodeId: string, taskId: string, attempt: number, reference: string): Promise<string>;
}

/** The registered images (one reference once per quota unit), kept in the store. */
export class ImageCatalog {
  private committer: ImageCommitter | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  setCommitter(committer: ImageCommitter): void {
    this.committer = committer;
  }

  /**
   * Saves the running container of `workload`'s task `index` as image `input.reference` on its
   * node and registers it, found there. The caller must own the workload or be an admin.
   */
  async saveTask(user: User, workload: Workload, index: number, input: NewImage): Promise<ImageRecord> {
    if (!user.admin && workload.owner !== user.username) {
      throw new ForbiddenError("only the workload's owner and admins may save its containers as images");
    }
    checkImageReference(input.reference);
    const task = this.store.tasks.byWorkload(workload.id).find((t) => t.index === index);
    if (!task) throw new NotFoundError("task", `${workload.name}[${index}]`);
    if (task.state !== "running" || !task.nodeId) {
      throw new ConflictError(
        `task ${index} of ${workload.name} is ${task.state}: only a running container is saved`,
      );
    }
    if (!this.committer) throw new AgentUnavailableError("no agent gateway in this hub");
    if (this.list({ quotaUnitId: input.quotaUnitId ?? null }).some((i) => i.reference === input.reference)) {
      throw new ConflictError(`image ${input.reference} is registered already`);
    }
    const node = this.store.nodes.list().find((n) => n.id === task.nodeId);
    const imageId = await this.committer.commit(task.nodeId, task.id, task.attempt, input.reference);
    const image = this.register(input);
    return this.setStatus(
      image,
      "present",
      `saved from ${workload.name} on node ${node?.name ?? task.nodeId} as ${imageId}`,
    );
  }

  register(input: NewImage): ImageRecord {
    checkImageReference(input.reference);
    const quotaUnitId = input.quotaUnitId ?? null;
    return this.store.transaction(() => {
      if (this.list({ quotaUnitId }).some((i) => i.reference === input.reference)) {
        throw new ConflictError(`image ${input.reference} is registered already`);
      }
      const now = this.clock.now();
      const image: ImageRecord = {
        id: newId(),
        reference: input.reference,
        owner: input.owner,
        quotaUnitId,
        description: input.description ?? "",
        status: "unchecked",
        statusMessage: "",
        meta: input.meta ?? {},
        createdAt: now,
        updatedAt: now,
      };
      this.store.images.insert(image);
      return image;
    });
  }

  get(id: string): ImageRecord {
    const image = this.store.images.byId(id);
    if (!image) throw new NotFoundError("image", id);
    return image;
  }

  find(id: string): ImageRecord | undefined {
    return this.store.images.byId(id);
  }

  /** Oldest first; `quotaUnitId` given: that unit's only (null: the hub-wide ones). */
  list(filter: { quotaUnitId?: string | null } = {}): ImageRecord[] {
    const all = this.store.images.list();
    return filter.quotaUnitId === undefined ? all : all.filter((i) => i.quotaUnitId === filter.quotaUnitId);
  }

  update(image: ImageRecord, change: { description?: string; meta?: Record<string, unknown> }): ImageRecord {
    const updated = { ...image, ...change, updatedAt: this.clock.now() };
    this.store.images.update(updated);
    return updated;
  }

  /** Records what a check found (the registry or a node has it, or neither). */
  setStatus(image: ImageRecord, status: ImageStatus, message: string): ImageRecord {
    const updated = { ...image, status, statusMessage: message, updatedAt: this.clock.now() };
    this.store.images.update(updated);
    return updated;
  }

  /**
   * Names of the nodes that started a container of `reference`: they pulled it, and engines keep
   * pulled images until pruned, so a start there needs no registry.
   */
  nodesWith(reference: string): string[] {
    const nodes = new Set<string>();
    const names = new Map(this.store.nodes.list().map((n) => [n.id, n.name]));
    for (const w of this.store.workloads.list({})) {
      const roles = new Set(w.roles.filter((r) => r.image === reference).map((r) => r.name));
      if (roles.size === 0) continue;
      for (const t of this.store.tasks.byWorkload(w.id)) {
        if (roles.has(t.role) && t.startedAt !== null && t.nodeId) nodes.add(names.get(t.nodeId) ?? t.nodeId);
      }
    }
    return [...nodes].sort();
  }

  remove(image: ImageRecord): void {
    this.store.images.delete(image.id);
  }
}
