/**
 * Remembers the signatures of recent signed requests so that a captured request cannot be sent
 * again while its date is still inside the skew window. Memory-only: one hub process (several
 * replicas would share it through the store; docs/architecture.md §5).
 */
export class ReplayGuard {
  /** Signature -> when it may be forgotten (Unix ms). */
  private readonly seen = new Map<string, number>();

  /** True the first time `signature` is offered; false for a repeat not yet forgotten. */
  accept(signature: string, forgetAt: number, now: number): boolean {
    this.prune(now);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, forgetAt);
    return true;
  }

  private prune(now: number): void {
    // Insertion order is close to expiry order (the window is the same for every entry).
    for (const [sig, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(sig);
    }
  }
}
