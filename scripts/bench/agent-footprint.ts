/**
 * Idle footprint of one real agent (issue 15: "RSS <= 60 MB idle with the Docker runtime, CPU <=
 * 0.5 % of a core"). Starts a hub in this process, one built `corral-agent` as a child process
 * with the Docker runtime (and a nvidia-smi that does not exist, as on a node without GPUs), waits
 * until it is welcomed and has settled, then samples the agent's VmRSS (/proc/<pid>/status) and
 * its CPU (utime + stime from /proc/<pid>/stat) over a window while it runs no task.
 *
 * Baselines, measured in the same run so the figures mean something on a loaded machine:
 *   - `node` idle: a bare Node process (the floor no agent can go below);
 *   - `node + grpc-js`: a bare process that loaded @grpc/grpc-js and holds an open channel to the
 *     same hub (the least a gRPC agent needs).
 *
 * Linux only (/proc). Usage: npm run bench:agent [-- --window-s 30 --settle-s 15 --heartbeat-ms 10000]
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadHubConfig } from "../../hub/config";
import { startHub } from "../../hub/hub";
import { certificateFingerprint } from "../../lib/pki/certificates";
import { formatJoinToken } from "../../lib/pki/join-token";

/** Bytes per MiB; RSS is printed in MiB (the "60 MB" read as MiB, the stricter). */
const MIB = 1_048_576;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we target). */
const USER_HZ = 100;

interface Options {
  windowS: number;
  settleS: number;
  heartbeatMs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { windowS: 30, settleS: 15, heartbeatMs: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === "--window-s") o.windowS = v;
    else if (argv[i] === "--settle-s") o.settleS = v;
    else if (argv[i] === "--heartbeat-ms") o.heartbeatMs = v;
    else continue;
    i++;
  }
  return o;
}

/** VmRSS of `pid` in bytes. */
function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** utime + stime of `pid` in seconds. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Field 14 (utime) and 15 (stime) of proc(5) are indexes 11 and 12 after the name.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

interface Footprint {
  rssMiB: { min: number; median: number; max: number };
  cpuPercent: number;
}

/** Samples RSS once a second and CPU over the whole window. */
async function measure(pid: number, windowS: number): Promise<Footprint> {
  const rss: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < windowS; i++) {
    rss.push(rssBytes(pid) / MIB);
    await sleep(1000);
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - cpu0;
  rss.sort((a, b) => a - b);
  return {
    rssMiB: { min: rss[0] ?? NaN, median: rss[Math.floor(rss.length / 2)] ?? NaN, max: rss.at(-1) ?? NaN },
    cpuPercent: (cpu / wallS) * 100,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startChild(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: path.resolve(__dirname, "..", "..", ".."),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.tmpdir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  return { child, output: () => out };
}

async function waitForOutput(output: () => string, pattern: RegExp, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (pattern.test(output())) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}\n${output().slice(-2000)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  // A child ended by a signal has a null exitCode and its signalCode set: it has exited already.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

function row(name: string, f: Footprint, target?: string): string {
  const r = f.rssMiB;
  return [
    name.padEnd(26),
    `${r.median.toFixed(1).padStart(6)} MiB (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})`.padEnd(36),
    `${f.cpuPercent.toFixed(2).padStart(6)} %`.padEnd(12),
    target ?? "",
  ].join(" ");
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-bench-agent-"));
  const secret = "bench-agent-footprint-join-token";
  const hub = await startHub(
    loadHubConfig({
      CORRAL_DATA_DIR: path.join(dir, "hub"),
      CORRAL_HTTP_HOST: "127.0.0.1",
      CORRAL_HTTP_PORT: "0",
      CORRAL_GRPC_HOST: "127.0.0.1",
      CORRAL_GRPC_PORT: "0",
      CORRAL_ADMIN_PASSWORD: "bench-admin-password",
      CORRAL_BOOTSTRAP_JOIN_TOKEN: secret,
      CORRAL_HEARTBEAT_INTERVAL_MS: String(opts.heartbeatMs),
    }),
    { logger: pino({ level: "silent" }) },
  );
  const children: ChildProcess[] = [];
  try {
    const fingerprint = certificateFingerprint(
      fs.readFileSync(path.join(dir, "hub", "tls", "ca.crt"), "utf8"),
    );
    console.log(
      `agent idle footprint: heartbeat ${opts.heartbeatMs} ms, settle ${opts.settleS} s, window ${opts.windowS} s, ` +
        `node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}`,
    );

    // Baselines first, one at a time, so they do not compete with the agent for the cores.
    const bare = startChild(["-e", "setInterval(() => {}, 1 << 30)"], {});
    children.push(bare.child);
    await sleep(opts.settleS * 1000);
    const bareF = await measure(bare.child.pid as number, opts.windowS);
    await stopChild(bare.child);

    const grpcScript = [
      "const grpc = require('@grpc/grpc-js');",
      "const c = new grpc.Client(process.argv[1], grpc.credentials.createSsl(null, null, null, { checkServerIdentity: () => undefined, rejectUnauthorized: false }), { 'grpc.keepalive_time_ms': 20000, 'grpc.keepalive_permit_without_calls': 1 });",
      "c.getChannel().getConnectivityState(true);",
      "setInterval(() => c.getChannel().getConnectivityState(true), 10000);",
    ].join("\n");
    const grpc = startChild(["-e", grpcScript, hub.grpcAddress], {});
    children.push(grpc.child);
    await sleep(opts.settleS * 1000);
    const grpcF = await measure(grpc.child.pid as number, opts.windowS);
    await stopChild(grpc.child);

    // First start (joins with the token, makes its key and CSR), then the usual start of a node
    // that already holds its credential (a restart, a reboot).
    const agentEnv = {
      CORRAL_HUB: hub.grpcAddress,
      CORRAL_JOIN_TOKEN: formatJoinToken(fingerprint, secret),
      CORRAL_NODE_NAME: "bench-footprint",
      CORRAL_AGENT_DATA_DIR: path.join(dir, "agent"),
      CORRAL_RUNTIME: "docker",
      CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    };
    const agentF: Footprint[] = [];
    for (let run = 0; run < 2; run++) {
      const agent = startChild(
        [path.resolve(__dirname, "..", "..", "..", "bin", "corral-agent.js")],
        agentEnv,
      );
      children.push(agent.child);
      await waitForOutput(agent.output, /welcomed/i, "the agent's welcome");
      if (/container runtime unavailable/.test(agent.output()))
        console.log("warning: Docker is not reachable; the agent runs without its runtime");
      await sleep(opts.settleS * 1000);
      agentF.push(await measure(agent.child.pid as number, opts.windowS));
      await stopChild(agent.child);
    }
    const [joined, restarted] = agentF as [Footprint, Footprint];

    console.log(`${"process".padEnd(26)} ${"RSS median".padEnd(36)} ${"CPU".padEnd(12)} target`);
    console.log(row("node (bare, idle)", bareF));
    console.log(row("node + grpc-js channel", grpcF));
    console.log(row("corral-agent, first join", joined, "RSS <= 60 MiB, CPU <= 0.5 %"));
    console.log(row("corral-agent, restarted", restarted, "RSS <= 60 MiB, CPU <= 0.5 %"));
    const ok = agentF.every((f) => f.rssMiB.median <= 60 && f.cpuPercent <= 0.5);
    console.log(`agent ${ok ? "meets" : "misses"} the target`);
  } finally {
    for (const c of children) await stopChild(c);
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
