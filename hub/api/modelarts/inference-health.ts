import http from "node:http";
import type { TunnelConnectionPool } from "../tunnel/connection-pool";
import type { Instance } from "./inference-services";

/** How long a passed health check holds before the next call re-checks it (in the background). @default 10_000 ms */
export const HEALTHY_FOR_MS = 10_000;
/** How long a failed health check keeps an instance out of the rotation. @default 1_000 ms */
export const UNHEALTHY_FOR_MS = 1_000;
/** A health check that has not answered by then failed. @default 2_000 ms */
export const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Readiness of instances by their model's health path (ModelArts's `health.url`): an instance
 * takes calls once a GET of the path through its tunnel answered 2xx/3xx. The first call to a new
 * instance waits for that check; later ones use the last verdict and re-check it in the
 * background when it is older than HEALTHY_FOR_MS. A model without a health path is always ready.
 */
export class InstanceHealth {
  private readonly verdicts = new Map<
    string,
    { ok: boolean; at: number; checking: Promise<boolean> | null }
  >();

  constructor(
    private readonly pool: TunnelConnectionPool,
    private readonly now: () => number,
  ) {}

  async ready(inst: Instance, port: number, healthPath: string): Promise<boolean> {
    if (healthPath === "") return true;
    const key = `${inst.taskId}/${inst.attempt}`;
    const v = this.verdicts.get(key);
    const age = v ? this.now() - v.at : Number.POSITIVE_INFINITY;
    if (v && v.ok && age < HEALTHY_FOR_MS) return true;
    if (v && !v.ok && age < UNHEALTHY_FOR_MS) return false;
    const checking = v?.checking ?? this.check(key, inst, port, healthPath);
    // A healthy instance keeps serving while it is checked again; a new or failed one waits.
    return v?.ok ? true : checking;
  }

  /** Drops verdicts of instances no longer listed. */
  retain(live: readonly Instance[]): void {
    const keys = new Set(live.map((i) => `${i.taskId}/${i.attempt}`));
    for (const k of this.verdicts.keys()) if (!keys.has(k)) this.verdicts.delete(k);
  }

  private check(key: string, inst: Instance, port: number, healthPath: string): Promise<boolean> {
    const checking = new Promise<boolean>((resolve) => {
      const req = http.request({
        ...this.pool.requestOptions(
          { nodeId: inst.nodeId, taskId: inst.taskId, attempt: inst.attempt },
          { kind: "port", port },
        ),
        method: "GET",
        path: healthPath,
        timeout: HEALTH_TIMEOUT_MS,
      });
      req.once("response", (res) => {
        res.resume();
        const code = res.statusCode ?? 500;
        resolve(code >= 200 && code < 400);
      });
      req.once("timeout", () => req.destroy(new Error("health check timed out")));
      req.once("error", () => resolve(false));
      req.end();
    }).then((ok) => {
      this.verdicts.set(key, { ok, at: this.now(), checking: null });
      return ok;
    });
    const prev = this.verdicts.get(key);
    this.verdicts.set(key, { ok: prev?.ok ?? false, at: prev?.at ?? 0, checking });
    return checking;
  }
}
