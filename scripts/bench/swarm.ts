/**
 * N simulated agents in this process: real startAgent() wiring with FakeRuntime and simulatedHardware,
 * no data dir, talking real gRPC to the hub over loopback.
 */
import { performance } from "node:perf_hooks";
import pino from "pino";
import { startAgent, type RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { generateKeyPair, type KeyPairPem } from "../../lib/pki/certificates";
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
  /**
   * Every agent makes its own key at its join, as a real one does (ECDSA P-256: ~1 ms of this process's CPU
   * each). @default false: one key made once serves every simulated agent, so the swarm's own CPU
   * does not pace the join storm the hub is being measured under (the hub signs a certificate per
   * join either way).
   */
  keyPerAgent?: boolean;
  /**
   * Agents started a second, evenly spaced; 0 starts them all at once (a fleet coming back). A
   * ramp lets a fleet this process could not join all at once be held and measured.
   * @default 0
   */
  rampPerS?: number;
  /**
   * Index of this swarm's first agent: agents are named bench-<index> from it, so swarms in
   * several processes (`--swarm-processes`) join distinct nodes. @default 0
   */
  firstIndex?: number;
}

export interface Swarm {
  /** Resolves when every agent has been welcomed, or after `timeoutMs` with those that were. */
  allWelcomed(timeoutMs: number): Promise<{
    welcomeMs: number[];
    helloToWelcomeMs: number[];
    allAfterMs: number;
    failures: Record<string, number>;
  }>;
  /**
   * Resolves when every agent has been welcomed again after `since` (performance.now() of this
   * process: a hub restart), or after `timeoutMs`: each agent's ms from `since` to that Welcome.
   */
  welcomedAgain(
    since: number,
    timeoutMs: number,
  ): Promise<{ againMs: number[]; failures: Record<string, number> }>;
  /**
   * Called for every task a Welcome or delta asks an agent to run, with its workload id and the
   * time (Unix ms with sub-ms precision: performance.timeOrigin + now(), comparable across processes).
   */
  onStartMessage(fn: (workloadId: string, atMs: number) => void): void;
  /**
   * Why links went down so far: each agent warning ("hub link down" and the like) counted by its
   * message and reason, the reason cut to REASON_CHARS (a 10k fleet that does not all join says why).
   */
  failures(): Record<string, number>;
  stop(): Promise<void>;
}

/** How much of a warning's reason names it in the failure tally. @default 90 characters */
const REASON_CHARS = 90;

/** A pino destination that counts warnings by message and reason instead of writing them. */
function failureTally(): { write(line: string): void; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    write(line: string) {
      let key = line.slice(0, REASON_CHARS);
      try {
        const o = JSON.parse(line) as { msg?: string; reason?: string };
        // Ports and addresses differ per agent; the tally groups what is the same.
        key = `${o.msg ?? ""}: ${(o.reason ?? "").replace(/\d+(\.\d+){0,3}(:\d+)?/g, "N")}`.slice(
          0,
          REASON_CHARS,
        );
      } catch {
        // not JSON: counted by its first characters
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  };
}

/** How often a ramp starts the agents that are due. @default 10 ms */
const RAMP_TICK_MS = 10;

/**
 * Starts the agents, at once (a fleet coming back after a hub restart) or on a ramp, and times
 * each from its own start to its Welcome.
 */
export function startSwarm(options: SwarmOptions): Swarm {
  const tally = failureTally();
  const logger = pino({ level: "warn", base: null, timestamp: false }, tally);
  const started = performance.now();
  const welcomeMs: number[] = [];
  const helloToWelcomeMs: number[] = [];
  /** Last Welcome of each agent (performance.now()). */
  const lastWelcome: number[] = [];
  let lastWelcomeAt = started;
  let onWelcome: (() => void) | null = null;
  let onStart: ((workloadId: string, atMs: number) => void) | null = null;
  const sharedKey: Promise<KeyPairPem> | null = options.keyPerAgent ? null : generateKeyPair();
  const agents: RunningAgent[] = [];
  const firstIndex = options.firstIndex ?? 0;
  const startOne = (i: number): void => {
    const index = firstIndex + i;
    const name = `bench-${String(index).padStart(5, "0")}`;
    const hub = options.sharedConnection
      ? options.hub
      : `dns://127.0.0.1:${1 + (index % 65_000)}/${options.hub}`;
    const t0 = performance.now();
    const runtime = new FakeRuntime({ nodeId: name });
    const start = runtime.start.bind(runtime);
    // The reconciler starts a container as soon as a Welcome or delta asks for it: the moment the
    // start message reached the agent, give or take the reconciler's own microtasks.
    runtime.start = (spec) => {
      onStart?.(spec.workloadId, performance.timeOrigin + performance.now());
      return start(spec);
    };
    const agent = startAgent({
      hub,
      cluster: "bench",
      nodeName: name,
      labels: [],
      joinToken: options.joinToken,
      dataDir: null,
      keepExitedMs: 3_600_000,
      runtime,
      hardware: simulatedHardware({ hostname: name }),
      logger,
      retry: { initialMs: 200, multiplier: 2, maxMs: 5_000 },
      ...(sharedKey ? { generateKey: () => sharedKey } : {}),
    });
    let helloAt = t0;
    agent.link.on("hello", () => (helloAt = performance.now()));
    let first = true;
    agent.link.on("welcome", () => {
      const at = performance.now();
      lastWelcome[i] = at;
      if (first) {
        first = false;
        lastWelcomeAt = at;
        welcomeMs.push(at - t0);
        helloToWelcomeMs.push(at - helloAt);
      }
      onWelcome?.();
    });
    agents.push(agent);
  };
  const ramp = options.rampPerS ?? 0;
  let rampTimer: NodeJS.Timeout | null = null;
  if (ramp > 0) {
    // One tick every RAMP_TICK_MS starts those due by then, so the pace holds even when ticks run late.
    let next = 0;
    rampTimer = setInterval(() => {
      const due = Math.min(options.agents, Math.floor(((performance.now() - started) / 1000) * ramp) + 1);
      for (; next < due; next++) startOne(next);
      if (next >= options.agents && rampTimer) clearInterval(rampTimer);
    }, RAMP_TICK_MS);
  } else for (let i = 0; i < options.agents; i++) startOne(i);
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
            failures: Object.fromEntries(tally.counts),
          });
        };
        const timer = setTimeout(done, timeoutMs);
        onWelcome = () => {
          if (welcomeMs.length >= options.agents) done();
        };
        onWelcome();
      }),
    welcomedAgain: (since, timeoutMs) =>
      new Promise((resolve) => {
        const again = () => lastWelcome.flatMap((at) => (at !== undefined && at > since ? [at - since] : []));
        // Counting is O(N), so it is polled rather than run on each of a 10k fleet's Welcomes.
        const poll = setInterval(() => {
          if (again().length >= options.agents) done();
        }, 100);
        const timer = setTimeout(() => done(), timeoutMs);
        const done = () => {
          clearInterval(poll);
          clearTimeout(timer);
          resolve({ againMs: again(), failures: Object.fromEntries(tally.counts) });
        };
      }),
    onStartMessage: (fn) => (onStart = fn),
    failures: () => Object.fromEntries(tally.counts),
    stop: async () => {
      if (rampTimer) clearInterval(rampTimer);
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
