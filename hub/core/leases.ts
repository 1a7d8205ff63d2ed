import type { Clock, Timer } from "./clock";
import type { Workload } from "./model";

/**
 * One clock timer per workload lease. When it fires, `expire` decides (from fresh state) whether the
 * workload stops; re-arming a workload replaces its timer, so a prolonged lease fires once, late.
 */
export class LeaseTimers {
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly expire: (workloadId: string) => void,
  ) {}

  /** Arms (or re-arms) the workload's timer for its lease deadline; no lease: cancels it. */
  arm(workload: Pick<Workload, "id" | "lease">): void {
    this.cancel(workload.id);
    if (!workload.lease) return;
    const id = workload.id;
    this.timers.set(
      id,
      this.clock.setTimer(workload.lease.expiresAt - this.clock.now(), () => {
        this.timers.delete(id);
        this.expire(id);
      }),
    );
  }

  cancel(workloadId: string): void {
    this.timers.get(workloadId)?.cancel();
    this.timers.delete(workloadId);
  }
}
