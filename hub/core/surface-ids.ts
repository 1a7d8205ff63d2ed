import type { Store } from "./repositories";

/**
 * Stable integer ids for core objects, for surfaces whose clients expect integers (OTE-stack's
 * app, deployment, repository, chart and business ids; Run:ai's project and department ids). One
 * sequence per key (`<surface>/<kind>`), from 1, never reused: an id stays with its object after
 * the object is deleted. The one place surface integers live: a surface keeps none in `meta`.
 */
export class SurfaceIds {
  constructor(private readonly store: Store) {}

  /** The object's integer under `key`, assigning the next one on first use. */
  assign(key: string, objectId: string): number {
    return this.store.transaction(
      () => this.store.surfaceIds.find(key, objectId) ?? this.store.surfaceIds.assign(key, objectId),
    );
  }

  /** The object's integer under `key`, if it has one. */
  find(key: string, objectId: string): number | undefined {
    return this.store.surfaceIds.find(key, objectId);
  }

  /** The object an integer stands for under `key`. */
  objectOf(key: string, id: number): string | undefined {
    return this.store.surfaceIds.objectOf(key, id);
  }
}
