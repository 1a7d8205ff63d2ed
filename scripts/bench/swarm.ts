/**
 * N simulated agents in this process: real startAgent() wiring with FakeRuntime and simulatedHardware,
 * no data dir, talking real gRPC to the hub over loopback.
 */
import { performance } from "node:perf_hooks";
import pino from "pino";
import { startAgent, type RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { simulatedHardware } from "./fake-hardware";

export interface SwarmOptions {
  /** The hub's gRPC address, host:port. */
  hub: string;
  joinToken: string;
  agents: number;
  /**
   * grpc-js shares one subchannel (one TCP connection, one HTTP/2 session) between all clients of
   * a process that have the same target and options, so N HubLinks to "127.0.0.1:port" would be N
   * streams over ONE connection — not what a hub sees from N machines. By default each agent gets
   * its own target, `dns://127.0.0.1:<k>/<hub>`: the authority (a DNS server) is never queried for
   * an IP-literal host, but it makes the target distinct, so each agent opens its own connection.
   * @default false
   */
  sharedConnection?: boolean;
}

export interface Swarm {
  /** Resolves when every agent has been welcomed, or after `timeoutMs` with those that were. */
  allWelcomed(
    timeoutMs: number,
  ): Promise<{ welcomeMs: number[]; helloToWelcomeMs: number[]; allAfterMs: number }>;
  stop(): Promise<void>;
}

/** Starts the agents at once (a fleet coming back after a hub restart) and times each to its Welcome. */
export function startSwarm(options: SwarmOptions): Swarm {
  const logger = pino({ level: "silent" });
  const started = performance.now();
  const welcomeMs: number[] = [];
  const helloToWelcomeMs: number[] = [];
  let lastWelcomeAt = started;
  let onWelcome: (() => void) | null = null;
  const agents: RunningAgent[] = [];
  for (let i = 0; i < options.agents; i++) {
    const name = `bench-${String(i).padStart(5, "0")}`;
    const hub = options.sharedConnection ? options.hub : `dns://127.0.0.1:${1 + (i % 65_000)}/${options.hub}`;
    const t0 = performance.now();
    const agent = startAgent({
      hub,
      cluster: "bench",
      nodeName: name,
      labels: [],
      joinToken: options.joinToken,
      dataDir: null,
      keepExitedMs: 3_600_000,
      runtime: new FakeRuntime({ nodeId: name }),
      hardware: simulatedHardware({ hostname: name }),
      logger,
      retry: { initialMs: 200, multiplier: 2, maxMs: 5_000 },
    });
    let helloAt = t0;
    agent.link.once("hello", () => (helloAt = performance.now()));
    agent.link.once("welcome", () => {
      lastWelcomeAt = performance.now();
      welcomeMs.push(lastWelcomeAt - t0);
      helloToWelcomeMs.push(lastWelcomeAt - helloAt);
      onWelcome?.();
    });
    agents.push(agent);
  }
  return {
    allWelcomed: (timeoutMs) =>
      new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          onWelcome = null;
          resolve({
            welcomeMs: [...welcomeMs],
            helloToWelcomeMs: [...helloToWelcomeMs],
            allAfterMs: lastWelcomeAt - started,
          });
        };
        const timer = setTimeout(done, timeoutMs);
        onWelcome = () => {
          if (welcomeMs.length >= options.agents) done();
        };
        onWelcome();
      }),
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
