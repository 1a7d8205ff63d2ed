/** Grace for containers whose spec this process never saw. @default 10 s */
export const DEFAULT_STOP_GRACE_SEC = 10;

const key = (taskId: string, attempt: number) => `${taskId}/${attempt}`;

/**
 * The stop grace (s) of every task attempt seen in a desired set, kept after the attempt leaves it
 * so its stop honours it. By attempt, not by task: a replaced attempt is stopped with its own
 * grace, not its successor's, and stopping it does not forget the successor's.
 */
export class StopGraces {
  private readonly bySpec = new Map<string, number>();

  remember(spec: { taskId: string; attempt: number; stopGraceSec: number }): void {
    this.bySpec.set(key(spec.taskId, spec.attempt), spec.stopGraceSec);
  }

  /** The attempt's grace, or DEFAULT_STOP_GRACE_SEC for one never seen (s). */
  of(taskId: string, attempt: number): number {
    return this.bySpec.get(key(taskId, attempt)) ?? DEFAULT_STOP_GRACE_SEC;
  }

  /**
   * Forgets every attempt `keep` refuses (one neither desired nor running: stopped, exited by
   * itself, never started), so the map does not grow with every task this node ever ran.
   */
  forgetUnless(keep: (taskId: string, attempt: number) => boolean): void {
    for (const k of this.bySpec.keys()) {
      const slash = k.lastIndexOf("/");
      if (!keep(k.slice(0, slash), Number(k.slice(slash + 1)))) this.bySpec.delete(k);
    }
  }

  /** How many attempts are remembered. */
  get size(): number {
    return this.bySpec.size;
  }
}
