/**
 * One pass of a rolling upgrade or rollback, pure. New-version replicas are started within
 * maxSurge, old ones retired while availability allows:
 * - live (new + old + replicas still stopping) never goes above total + maxSurge;
 * - available (ready new + ready old) never goes below total - maxUnavailable because of a stop
 *   made here; unready old replicas go first and cost no availability.
 */
export interface RolloutInput<R extends { ready: boolean }> {
  /** Replicas wanted in all. */
  total: number;
  maxSurge: number;
  maxUnavailable: number;
  /** One node id per new-version replica still missing (a node may repeat). */
  deficits: readonly string[];
  /** New-version replicas kept. */
  current: readonly { ready: boolean }[];
  /** Old-version replicas still live. */
  old: readonly R[];
  /** Replicas told to stop whose containers may still run. */
  stopping: number;
}

export function rolloutStep<R extends { ready: boolean }>(
  input: RolloutInput<R>,
): { start: string[]; stop: R[] } {
  const start: string[] = [];
  let live = input.current.length + input.old.length + input.stopping;
  for (const nodeId of input.deficits) {
    if (live >= input.total + input.maxSurge) break;
    start.push(nodeId);
    live++;
  }
  const stop: R[] = [];
  let available = input.current.filter((r) => r.ready).length + input.old.filter((r) => r.ready).length;
  const minAvailable = Math.max(0, input.total - input.maxUnavailable);
  for (const r of [...input.old].sort((a, b) => Number(a.ready) - Number(b.ready))) {
    if (!r.ready) {
      stop.push(r);
      continue;
    }
    if (available - 1 < minAvailable) break;
    stop.push(r);
    available--;
  }
  return { start, stop };
}
