/**
 * When a replicated service cannot reach its desired state ("failed"), and when it is healthy
 * again. Pure: the controller feeds it observations and the clock.
 */

export interface FailurePolicy {
  /** Restarts of one replica within crashLoopWindowMs that make it crash-looping. @default 3 */
  crashLoopRestarts: number;
  /** Window over which restarts are counted, ms. @default 300_000 (5 minutes) */
  crashLoopWindowMs: number;
  /** A service that selects no eligible node for this long is failed, ms. @default 300_000 */
  noTargetTimeoutMs: number;
}

export const DEFAULT_FAILURE_POLICY: Readonly<FailurePolicy> = Object.freeze({
  crashLoopRestarts: 3,
  crashLoopWindowMs: 300_000,
  noTargetTimeoutMs: 300_000,
});

/**
 * Remembers when each replica's task restarted (its attempt went up), by task id. A task first
 * seen counts no restarts (a restarted hub does not blame old history); every later rise of its
 * attempt counts as that many restarts at the time it was seen. Kept in memory only.
 */
export class RestartTracker {
  private readonly seen = new Map<string, { attempt: number; times: number[] }>();

  observe(taskId: string, attempt: number, now: number, windowMs: number): void {
    const entry = this.seen.get(taskId);
    if (!entry) {
      this.seen.set(taskId, { attempt, times: [] });
      return;
    }
    for (let a = entry.attempt; a < attempt; a++) entry.times.push(now);
    entry.attempt = Math.max(entry.attempt, attempt);
    entry.times = entry.times.filter((t) => now - t < windowMs);
  }

  /** Restarts of the task seen within the last windowMs. */
  restarts(taskId: string, now: number, windowMs: number): number {
    return (this.seen.get(taskId)?.times ?? []).filter((t) => now - t < windowMs).length;
  }

  /** Drops tasks that are no longer live replicas. */
  retain(live: ReadonlySet<string>): void {
    for (const id of this.seen.keys()) if (!live.has(id)) this.seen.delete(id);
  }
}

/** Why a service is failed now, or null when nothing stops it converging. */
export function failureReason(
  input: { crashLooping: number; noTargetSince: number | null; now: number },
  policy: FailurePolicy,
): string | null {
  if (input.crashLooping > 0)
    return `${input.crashLooping} replica(s) restarted ${policy.crashLoopRestarts}+ times within ${Math.round(policy.crashLoopWindowMs / 1000)} s`;
  if (input.noTargetSince !== null && input.now - input.noTargetSince >= policy.noTargetTimeoutMs)
    return `no ready node matches the cluster and node labels for ${Math.round((input.now - input.noTargetSince) / 1000)} s`;
  return null;
}
