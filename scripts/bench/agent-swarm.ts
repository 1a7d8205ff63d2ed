/**
 * Child process of `npm run bench:agents`: runs a swarm of simulated agents so that the parent's
 * process CPU and RSS are the hub's own. Started with child_process.fork and driven over IPC.
 *
 * argv: --hub HOST:PORT --token JOIN_TOKEN --agents N [--shared-connection] [--welcome-timeout-ms MS]
 *       [--ramp-per-s N] [--first-index I] (the first agent's index: one swarm of several)
 * Sends: {type:"welcomed", welcomeMs, helloToWelcomeMs, allAfterMs, failures} once all are welcomed (or at
 *        the timeout; failures: the agents' warnings so far, counted by message and reason);
 *        {type:"usage", cpuMicros, rssBytes} for each {type:"usage"} asked;
 *        {type:"again", againMs, failures} for {type:"welcomedAgain", sinceEpochMs, timeoutMs} (a hub restart);
 *        {type:"start", workloadId, atEpochMs} per task start message, after {type:"watchStarts"};
 *        {type:"stopped"} after {type:"stop"}, then exits.
 */
import { performance } from "node:perf_hooks";
import { startSwarm } from "./swarm";

export type SwarmRequest =
  | { type: "usage" }
  | { type: "stop" }
  | { type: "welcomedAgain"; sinceEpochMs: number; timeoutMs: number }
  | { type: "watchStarts" };
export type SwarmReport =
  | {
      type: "welcomed";
      welcomeMs: number[];
      helloToWelcomeMs: number[];
      allAfterMs: number;
      failures: Record<string, number>;
    }
  | { type: "usage"; cpuMicros: number; rssBytes: number }
  | { type: "again"; againMs: number[]; failures: Record<string, number> }
  | { type: "start"; workloadId: string; atEpochMs: number }
  | { type: "stopped" };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function send(report: SwarmReport): void {
  process.send?.(report);
}

async function main(): Promise<void> {
  const hub = arg("--hub");
  const joinToken = arg("--token");
  const agents = Number(arg("--agents"));
  if (!hub || !joinToken || !Number.isInteger(agents) || agents < 1 || !process.send) {
    process.stderr.write("agent-swarm: run by scripts/bench/agents.js (fork, --hub, --token, --agents)\n");
    process.exit(2);
  }
  const swarm = startSwarm({
    hub,
    joinToken,
    agents,
    sharedConnection: process.argv.includes("--shared-connection"),
    rampPerS: Number(arg("--ramp-per-s") ?? 0),
    firstIndex: Number(arg("--first-index") ?? 0),
  });
  process.on("message", (msg: SwarmRequest) => {
    if (msg.type === "usage") {
      const cpu = process.cpuUsage();
      send({ type: "usage", cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss() });
    } else if (msg.type === "welcomedAgain") {
      const since = msg.sinceEpochMs - performance.timeOrigin;
      void swarm.welcomedAgain(since, msg.timeoutMs).then((r) => send({ type: "again", ...r }));
    } else if (msg.type === "watchStarts") {
      swarm.onStartMessage((workloadId, atEpochMs) => send({ type: "start", workloadId, atEpochMs }));
    } else if (msg.type === "stop") {
      void swarm.stop().then(() => {
        send({ type: "stopped" });
        process.disconnect();
      });
    }
  });
  // The parent going away (crash, Ctrl-C) must not leave agents behind.
  process.on("disconnect", () => process.exit(0));
  const welcomed = await swarm.allWelcomed(Number(arg("--welcome-timeout-ms") ?? 60_000));
  send({ type: "welcomed", ...welcomed });
}

void main();
