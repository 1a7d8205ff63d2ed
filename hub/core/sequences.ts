import type { SequenceRepository } from "./repositories";

/**
 * Named, stable integer sequences: surfaces whose clients expect integer ids (Run:ai project and
 * department ids, OTE business ids) draw them here rather than keeping counters of their own. A
 * value is never handed out twice, even when the thing that took it is deleted.
 */
export class Sequences {
  constructor(private readonly repo: SequenceRepository) {}

  /** The next value of the sequence `name` (e.g. "runai.org-unit"), from 1. */
  next(name: string): number {
    return this.repo.next(name);
  }
}
