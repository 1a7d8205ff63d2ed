/**
 * The agent's own record of which task holds which GPU (docs/architecture.md §4). Docker does not track free
 * GPUs (`Count:N` means indices 0..N-1), so the agent must never hand one UUID to two tasks. The
 * ledger lives in memory and is rebuilt from the running containers' `corral.gpus` labels after a
 * restart (as dstack rebuilds its GpuLock from `docker inspect`).
 */
import type { TaskContainer } from "./runtime";

/** Ledger key for one attempt of a task: two attempts of a task are two holders. */
export function gpuTaskKey(taskId: string, attempt: number): string {
  return `${taskId}#${attempt}`;
}

/** A claim named a GPU that another task holds. */
export class GpuConflictError extends Error {
  constructor(
    readonly uuid: string,
    readonly holder: string,
    readonly claimant: string,
  ) {
    super(`GPU ${uuid} is held by task ${holder}; task ${claimant} cannot have it`);
    this.name = "GpuConflictError";
  }
}

/** Two running containers found holding one GPU during rebuild(). */
export interface GpuConflict {
  uuid: string;
  holder: string;
  other: string;
}

export class GpuLedger {
  /** GPU or MIG UUID -> task key. */
  private readonly holders = new Map<string, string>();

  /**
   * Replaces the ledger with the GPUs of running and starting containers (a starting container
   * already owns its GPUs). Keys are gpuTaskKey(taskId, attempt). Reality is not refused: when two
   * containers name one UUID the first keeps it and the clash is returned for the caller to log.
   */
  rebuild(containers: TaskContainer[]): GpuConflict[] {
    this.holders.clear();
    const conflicts: GpuConflict[] = [];
    for (const c of containers) {
      if (c.state === "exited") continue;
      const key = gpuTaskKey(c.taskId, c.attempt);
      for (const uuid of c.gpuUuids) {
        const holder = this.holders.get(uuid);
        if (holder !== undefined && holder !== key) conflicts.push({ uuid, holder, other: key });
        else this.holders.set(uuid, key);
      }
    }
    return conflicts;
  }

  /**
   * Gives `uuids` to `taskKey`, all or nothing. Claiming GPUs the task already holds is a no-op.
   * @throws GpuConflictError naming the first UUID held by another task; nothing is claimed then.
   */
  claim(taskKey: string, uuids: string[]): void {
    for (const uuid of uuids) {
      const holder = this.holders.get(uuid);
      if (holder !== undefined && holder !== taskKey) throw new GpuConflictError(uuid, holder, taskKey);
    }
    for (const uuid of uuids) this.holders.set(uuid, taskKey);
  }

  /** Frees every GPU held by `taskKey`; unknown keys are ignored. */
  release(taskKey: string): void {
    for (const [uuid, holder] of this.holders) {
      if (holder === taskKey) this.holders.delete(uuid);
    }
  }

  holderOf(uuid: string): string | undefined {
    return this.holders.get(uuid);
  }

  /** Copy of the ledger: UUID -> task key. */
  held(): Map<string, string> {
    return new Map(this.holders);
  }
}
