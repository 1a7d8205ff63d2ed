/**
 * Picks the instance an inference call goes to: first a config by smooth weighted round robin
 * (nginx's rule: every pick adds each config's weight to its credit, takes the highest credit and
 * subtracts the total), so over any run of picks each config gets its share of the weights with
 * no drift and no randomness; then the config's instances in turn. Configs with no instance left
 * are skipped and the others share their weight. Pure apart from its per-service state.
 */
export interface Candidate<I> {
  /** Stable id of the config (its replica set). */
  id: string;
  weight: number;
  instances: readonly I[];
}

export class WeightedBalancer {
  private readonly credit = new Map<string, Map<string, number>>();
  private readonly turn = new Map<string, number>();

  /** The next instance of `serviceId` among `candidates` (instances failed this call removed), or undefined. */
  pick<I>(
    serviceId: string,
    candidates: readonly Candidate<I>[],
  ): { configId: string; instance: I } | undefined {
    const live = candidates.filter((c) => c.instances.length > 0);
    if (live.length === 0) return undefined;
    // Weight 0 everywhere (all traffic moved off, then those instances died): share evenly.
    const weightOf = (c: Candidate<I>) => (live.some((x) => x.weight > 0) ? c.weight : 1);
    const total = live.reduce((a, c) => a + weightOf(c), 0);
    const credits = this.credit.get(serviceId) ?? new Map<string, number>();
    this.credit.set(serviceId, credits);
    let best: Candidate<I> | undefined;
    for (const c of live) {
      const next = (credits.get(c.id) ?? 0) + weightOf(c);
      credits.set(c.id, next);
      if (weightOf(c) > 0 && (!best || next > (credits.get(best.id) ?? 0))) best = c;
    }
    const chosen = best as Candidate<I>;
    credits.set(chosen.id, (credits.get(chosen.id) ?? 0) - total);
    const n = this.turn.get(chosen.id) ?? 0;
    this.turn.set(chosen.id, n + 1);
    return { configId: chosen.id, instance: chosen.instances[n % chosen.instances.length] as I };
  }

  /** Drops a service's state (deleted). */
  forget(serviceId: string): void {
    this.credit.delete(serviceId);
  }
}
