import type { Clock, Timer } from "./clock";
import { ConflictError, ValidationError } from "./errors";
import type { Workload } from "./model";
import type { Store } from "./repositories";
import { isTerminalWorkloadState } from "./workload-state";

/** A lease expiry that failed (store busy) is tried again this much later. @default 10_000 ms */
const LEASE_RETRY_MS = 10_000;

/**
 * Leases of interactive workloads: one clock timer per live leased workload. When it fires, the
 * lease is read afresh and the workload stopped if it is really over; re-arming replaces the
 * timer, so a prolonged lease fires once, late. Leases outlive a hub restart: the constructor arms
 * the live ones again (an overdue one fires at once).
 */
export class WorkloadLeases {
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Stops the workload (called inside a transaction). */
    private readonly stop: (workloadId: string) => void,
  ) {
    for (const w of store.workloads.list({ states: ["pending", "running"] })) {
      if (w.lease && w.ending === null) this.arm(w);
    }
  }

  /** Arms (or re-arms) the workload's timer for its lease deadline; no lease: cancels it. */
  arm(workload: Pick<Workload, "id" | "lease">): void {
    this.cancel(workload.id);
    if (!workload.lease) return;
    const id = workload.id;
    const timer = this.clock.setTimer(workload.lease.expiresAt - this.clock.now(), () => {
      this.timers.delete(id);
      this.expire(id);
    });
    this.timers.set(id, timer);
  }

  cancel(workloadId: string): void {
    this.timers.get(workloadId)?.cancel();
    this.timers.delete(workloadId);
  }

  /** A lease of `durationMs` from now (null: none). */
  set(workload: Workload, durationMs: number | null): Workload {
    requireInteractive(workload, "take a lease");
    if (durationMs !== null) checkLeaseMs(durationMs, "lease");
    const now = this.clock.now();
    const lease = durationMs === null ? null : { durationMs, expiresAt: now + durationMs };
    return this.save(
      { ...workload, lease, updatedAt: now },
      lease ? `lease set to ${lease.durationMs / 1000}s, until ${iso(lease.expiresAt)}` : "lease removed",
    );
  }

  /** Moves a live workload's deadline `byMs` later. */
  prolong(workload: Workload, byMs: number): Workload {
    if (!workload.lease) throw new ConflictError(`workload ${workload.name} has no lease`);
    if (workload.ending !== null || isTerminalWorkloadState(workload.state)) {
      throw new ConflictError(`workload ${workload.name} is ${workload.state}; its lease is not running`);
    }
    checkLeaseMs(byMs, "lease");
    const lease = { ...workload.lease, expiresAt: workload.lease.expiresAt + byMs };
    return this.save(
      { ...workload, lease, updatedAt: this.clock.now() },
      `lease prolonged by ${byMs / 1000}s, until ${iso(lease.expiresAt)}`,
    );
  }

  private save(updated: Workload, message: string): Workload {
    this.store.transaction(() => {
      this.store.workloads.update(updated);
      this.store.events.append({
        workloadId: updated.id,
        taskId: null,
        type: "Normal",
        reason: "Lease",
        message,
        at: updated.updatedAt,
      });
    });
    if (updated.ending === null && !isTerminalWorkloadState(updated.state)) this.arm(updated);
    else this.cancel(updated.id);
    return updated;
  }

  /** The timer fired: stops the workload if its lease (read afresh) is really over. */
  private expire(workloadId: string): void {
    try {
      this.store.transaction(() => {
        const w = this.store.workloads.byId(workloadId);
        if (!w?.lease || w.ending !== null || isTerminalWorkloadState(w.state)) return;
        const now = this.clock.now();
        if (w.lease.expiresAt > now) return this.arm(w);
        this.store.events.append({
          workloadId,
          taskId: null,
          type: "Normal",
          reason: "LeaseExpired",
          message: `lease of ${w.lease.durationMs / 1000}s expired at ${iso(w.lease.expiresAt)}; stopping`,
          at: now,
        });
        this.stop(workloadId);
      });
    } catch {
      // A timer callback must not throw (it would end the process); the store may be busy: retry.
      this.clock.setTimer(LEASE_RETRY_MS, () => this.expire(workloadId));
    }
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Leases and starts again are for interactive workloads only. */
export function requireInteractive(workload: Workload, what: string): void {
  if (workload.kind !== "interactive") {
    throw new ConflictError(
      `only interactive workloads ${what}; ${workload.name} is a ${workload.kind} workload`,
    );
  }
}

/** A lease or prolongation: a positive whole number of ms. */
export function checkLeaseMs(ms: number, field: string): void {
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new ValidationError(field, "must be a positive number of ms");
}
