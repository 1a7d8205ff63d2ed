/**
 * `npm run bench:handshake`: the hub's CPU per agent-link TLS handshake, with the agent link's
 * TLS options (stateful TLS 1.3 session tickets, hub/tls/grpc-credentials.ts) against the
 * baseline of the same options with Node's default stateless tickets, in the same run.
 *
 * Every first join pays three of these handshakes and every reconnect after a hub restart one
 * (issue 15). The client side is an agent's: HTTP/2 over TLS 1.3 with its node certificate
 * (ECDSA P-256, signed by a real hub CA made for the run), one connection after another. The
 * server runs in a child process; its CPU (user + system) over N handshakes is what is printed.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { generateKeyPair, subjectKeyFromPem } from "../../lib/pki/certificates";
import { agentLinkServerCredentials } from "../../hub/tls/grpc-credentials";
import { HubCa } from "../../hub/tls/hub-ca";
import type { HandshakeServerReport, HandshakeServerRequest } from "./handshake-server";

const HELP = `Usage: npm run bench:handshake -- [flags]   (env variable, default)
  --handshakes N  handshakes measured per variant and round (CORRAL_BENCH_HANDSHAKES, 1000)
  --rounds R      rounds, each measuring both variants, baseline first (CORRAL_BENCH_ROUNDS, 2)
`;
/** Handshakes before each measurement, so both variants are measured warm (JIT, allocator). */
const WARMUP = 100;

function option(argv: string[], flag: string, envName: string, def: number): number {
  const i = argv.indexOf(flag);
  const raw = i >= 0 ? argv[i + 1] : process.env[envName];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(
      `bench:handshake: ${flag} (${envName}) must be an integer >= 1, got ${raw}\n${HELP}`,
    );
    process.exit(2);
  }
  return n;
}

/** One agent-side connection: TLS 1.3 + HTTP/2, closed once the server's SETTINGS arrived. */
function connectOnce(port: number, context: tls.SecureContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, {
      secureContext: context,
      servername: "localhost",
      minVersion: "TLSv1.3",
    });
    session.once("remoteSettings", () => session.close(() => resolve()));
    session.once("error", reject);
  });
}

interface Server {
  request(m: HandshakeServerRequest): void;
  next<T extends HandshakeServerReport["type"]>(
    type: T,
  ): Promise<Extract<HandshakeServerReport, { type: T }>>;
  close(): void;
}

function forkServer(): Server {
  const child = fork(path.join(__dirname, "handshake-server.js"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return {
    request: (m) => void child.send(m),
    next: (type) =>
      new Promise((resolve) => {
        const on = (m: HandshakeServerReport) => {
          if (m.type !== type) return;
          child.off("message", on);
          resolve(m as never); // narrowed by `type` above
        };
        child.on("message", on);
      }),
    close: () => void child.disconnect(),
  };
}

/** Server CPU µs per handshake over `n` handshakes (after the warm-up) for one variant. */
async function measure(
  options: http2.SecureServerOptions,
  stateless: boolean,
  context: tls.SecureContext,
  n: number,
): Promise<number> {
  const server = forkServer();
  try {
    const listening = server.next("listening");
    server.request({ type: "listen", options, stateless });
    const { port } = await listening;
    for (let i = 0; i < WARMUP; i++) await connectOnce(port, context);
    server.request({ type: "start" });
    for (let i = 0; i < n; i++) await connectOnce(port, context);
    const cpu = server.next("cpu");
    server.request({ type: "stop" });
    const { micros, handshakes, verified } = await cpu;
    // Every handshake must have been a full mutual-TLS one, or the figure measures something else.
    if (handshakes !== n || verified !== n)
      throw new Error(
        `expected ${n} verified handshakes, the server saw ${handshakes} (${verified} verified)`,
      );
    return micros / handshakes;
  } finally {
    server.close();
  }
}

/** The PEM text of a secure-context option (a string, a Buffer, or a list of either). */
function pemText(v: unknown): string | string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  return String(v);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const n = option(argv, "--handshakes", "CORRAL_BENCH_HANDSHAKES", 1000);
  const rounds = option(argv, "--rounds", "CORRAL_BENCH_ROUNDS", 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-bench-handshake-"));
  try {
    const ca = await HubCa.open(dir);
    const identity = await ca.serverIdentity(["localhost", "127.0.0.1"]);
    const credentials = agentLinkServerCredentials(ca, identity);
    const contextOptions = credentials._getSecureContextOptions() ?? {};
    // What grpc-js passes to http2.createSecureServer; PEMs as text so they cross the IPC channel.
    const options: http2.SecureServerOptions = {
      ...credentials._getConstructorOptions(),
      ...contextOptions,
      ca: pemText(contextOptions.ca),
      cert: pemText(contextOptions.cert),
      key: pemText(contextOptions.key) as string[],
    };
    const nodeKey = await generateKeyPair();
    const nodeCert = ca.signNode(subjectKeyFromPem(nodeKey.publicKey), "bench-node", "default", 3600_000);
    // One secure context for every connection, as an agent's channel has.
    const context = tls.createSecureContext({
      ca: ca.certPem,
      key: nodeKey.privateKey,
      cert: nodeCert.certPem,
    });

    const baseline: number[] = [];
    const agentLink: number[] = [];
    for (let r = 0; r < rounds; r++) {
      process.stderr.write(`bench: round ${r + 1}/${rounds}, ${n} handshakes per variant...\n`);
      baseline.push(await measure(options, true, context, n));
      agentLink.push(await measure(options, false, context, n));
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    };
    const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
    const b = median(baseline);
    const a = median(agentLink);
    process.stdout.write(
      [
        `Corral agent-link TLS handshake benchmark: ${n} handshakes per variant and round, ${rounds} round(s);`,
        `TLS 1.3, ECDSA P-256 server and node certificates, client certificate asked for, HTTP/2;`,
        `node ${process.version}, OpenSSL ${process.versions.openssl}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})`,
        "",
        `server CPU per handshake, baseline (stateless TLS 1.3 tickets)   ${b.toFixed(0)} us  (rounds: ${f(baseline)})`,
        `server CPU per handshake, agent link (stateful tickets)          ${a.toFixed(0)} us  (rounds: ${f(agentLink)})`,
        `change                                                            ${(((a - b) / b) * 100).toFixed(1)} %`,
      ].join("\n") + "\n",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:handshake: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
