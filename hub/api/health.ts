import type { Core } from "../core";
import type { ApiMiddleware } from "./context";

/** Figures the hub exposes at /metrics, gathered by the composition root. */
export interface HubGauges {
  agentSessions(): number;
  heartbeatsTotal(): number;
}

/** GET /healthz (200 when the store answers, else 503) and GET /metrics (Prometheus text 0.0.4). */
export function healthRoutes(core: Core, gauges: HubGauges): ApiMiddleware {
  return async function health(ctx, next) {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next();
    if (ctx.path === "/healthz") {
      const ok = core.ping();
      ctx.status = ok ? 200 : 503;
      ctx.body = { status: ok ? "ok" : "store unavailable" };
      return;
    }
    if (ctx.path === "/metrics") {
      ctx.type = "text/plain; version=0.0.4; charset=utf-8";
      ctx.body = renderMetrics(core, gauges);
      return;
    }
    return next();
  };
}

function renderMetrics(core: Core, gauges: HubGauges): string {
  const lines: string[] = [];
  const gauge = (
    name: string,
    help: string,
    type: "gauge" | "counter",
    samples: [Record<string, string>, number][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`);
      lines.push(`${name}${l.length ? `{${l.join(",")}}` : ""} ${value}`);
    }
  };
  const nodes = core.nodes.list();
  gauge(
    "corral_nodes",
    "Nodes by status.",
    "gauge",
    (["ready", "notready", "down"] as const).map((s) => [
      { status: s },
      nodes.filter((n) => n.status === s).length,
    ]),
  );
  gauge("corral_gpus", "Allocatable GPU devices on ready nodes.", "gauge", [
    [
      {},
      nodes
        .filter((n) => n.status === "ready")
        .reduce((a, n) => a + (n.hardware?.gpus.filter((g) => !g.migEnabled).length ?? 0), 0),
    ],
  ]);
  gauge("corral_agent_sessions", "Agent streams held.", "gauge", [[{}, gauges.agentSessions()]]);
  gauge("corral_heartbeats_total", "Heartbeats received on current sessions.", "counter", [
    [{}, gauges.heartbeatsTotal()],
  ]);
  const byState = core.workloads.countByState();
  gauge(
    "corral_workloads",
    "Workloads by state.",
    "gauge",
    (["pending", "running", "stopping", "succeeded", "failed", "stopped"] as const).map((st) => [
      { state: st },
      byState[st] ?? 0,
    ]),
  );
  const mem = process.memoryUsage();
  gauge("process_resident_memory_bytes", "Resident memory of the hub process.", "gauge", [[{}, mem.rss]]);
  const cpu = process.cpuUsage();
  gauge("process_cpu_seconds_total", "CPU time of the hub process.", "counter", [
    [{}, (cpu.user + cpu.system) / 1e6],
  ]);
  return `${lines.join("\n")}\n`;
}
