/**
 * Heartbeats for `npm run bench:api`'s changing-list rows: what N connected agents would make the
 * hub do, through the same core calls as hub/agents/session.ts's heartbeat (touch + a new metrics
 * sample), without agent processes. In a real hub with 1k agents each beat changes that node's
 * lastSeenAt and metrics, so the node list's version moves about 100 times a second (1k agents,
 * CORRAL_HEARTBEAT_INTERVAL_MS 10 s): a cache that is right only between beats is measured here.
 */
import type { Core } from "../../hub/core";
import type { NodeMetrics } from "../../hub/core/model";

export interface Heartbeats {
  /** Beats applied so far. */
  readonly beats: number;
  stop(): void;
}

/** How often the timer runs; each run applies the beats due by then (the rate holds under load). */
const TICK_MS = 10;

/**
 * Beats `perSecond` nodes a second, round robin over `nodeIds`, from now until stop(). A timer
 * that fires late (the event loop busy answering reads) applies every beat that came due.
 */
export function startHeartbeats(core: Core, nodeIds: readonly string[], perSecond: number): Heartbeats {
  const started = performance.now();
  let beats = 0;
  const beat = (nodeId: string) => {
    const now = core.clock.now();
    core.nodes.touch(nodeId);
    core.nodes.recordMetrics(nodeId, sample(beats, now));
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; beats < due; beats++) beat(nodeIds[beats % nodeIds.length] as string);
  }, TICK_MS);
  return {
    get beats() {
      return beats;
    },
    stop: () => clearInterval(timer),
  };
}

/** A plausible sample that differs from beat to beat (4 GPUs, as api-seed.ts's nodes). */
function sample(n: number, at: number): NodeMetrics {
  return {
    cpuPercent: n % 100,
    memoryUsedMiB: 16_384 + (n % 1024),
    load1: (n % 800) / 100,
    gpus: Array.from({ length: 4 }, (_, i) => ({
      uuid: `gpu-${i}`,
      utilizationPercent: (n + i * 7) % 101,
      memoryUtilizationPercent: (n + i * 3) % 101,
      memoryUsedMiB: 40_000 + ((n * 13 + i) % 40_000),
      temperatureC: 40 + ((n + i) % 40),
      powerWatts: 150 + ((n * 7 + i) % 550),
    })),
    sampledAt: at,
  };
}
