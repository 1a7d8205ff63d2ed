/**
 * Child process of `npm run bench:agents -- --scenario restart`: one hub on a given data dir and
 * gRPC port, in its own process so the benchmark can kill it with SIGKILL (as a crash or `kill -9`
 * would) and start another on the same files. Started with child_process.fork, driven over IPC.
 *
 * argv: --data-dir DIR --grpc-port PORT --heartbeat-ms MS --token JOIN_TOKEN
 * Sends: {type:"up", grpcAddress, startedInMs} once serving;
 *        {type:"nodes", rows, ready, sessions, pacedJoins, cpuMs} for each {type:"nodes"} asked
 *        (cpuMs: this process's CPU time since it started, user + system).
 */
import { performance } from "node:perf_hooks";
import pino from "pino";
import { loadHubConfig } from "../../hub/config";
import { startHub } from "../../hub/hub";

export type HubChildRequest = { type: "nodes" };
export type HubChildReport =
  | { type: "up"; grpcAddress: string; startedInMs: number }
  | { type: "nodes"; rows: number; ready: number; sessions: number; pacedJoins: number; cpuMs: number };

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined || !process.send) {
    process.stderr.write(`hub-child: run by scripts/bench/agents.js (fork, ${name})\n`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const hub = await startHub(
    loadHubConfig({
      CORRAL_DATA_DIR: arg("--data-dir"),
      CORRAL_HTTP_HOST: "127.0.0.1",
      CORRAL_HTTP_PORT: "0",
      CORRAL_GRPC_HOST: "127.0.0.1",
      CORRAL_GRPC_PORT: arg("--grpc-port"),
      CORRAL_ADMIN_PASSWORD: "bench-admin-password",
      CORRAL_BOOTSTRAP_JOIN_TOKEN: arg("--token"),
      CORRAL_HEARTBEAT_INTERVAL_MS: arg("--heartbeat-ms"),
    }),
    { logger: pino({ level: process.env.CORRAL_LOG_LEVEL ?? "warn" }, pino.destination(2)) },
  );
  process.on("message", (msg: HubChildRequest) => {
    if (msg.type !== "nodes") return;
    const nodes = hub.core.nodes.list();
    process.send?.({
      type: "nodes",
      rows: nodes.length,
      ready: nodes.filter((n) => n.status === "ready").length,
      sessions: hub.gateway.sessions.size,
      pacedJoins: hub.gateway.pacedJoins,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    } satisfies HubChildReport);
  });
  // The parent going away must not leave a hub behind.
  process.on("disconnect", () => process.exit(0));
  process.send?.({
    type: "up",
    grpcAddress: hub.grpcAddress,
    startedInMs: performance.now() - t0,
  } satisfies HubChildReport);
}

void main();
