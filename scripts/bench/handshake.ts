/**
 * `npm run bench:handshake`: the hub's and the agent's CPU per agent-link TLS handshake, three
 * ways in the same run:
 * - baseline: the hub before agents resumed sessions (SSL_OP_NO_TICKET: stateful TLS 1.3 tickets
 *   that nobody can resume, the cheapest full handshake);
 * - the agent link's options (hub/tls/grpc-credentials.ts: stateless tickets under the hub's kept
 *   ticket keys), a full handshake: what a first Connect pays;
 * - the same, each connection offering the last ticket it got, as the agent's credentials do
 *   (agent/link/resuming-credentials.ts): what every reconnect pays, after a hub restart too.
 *
 * Every first join pays three full handshakes and every reconnect one (issue 15). The client
 * side is an agent's: HTTP/2 over TLS 1.3 with its node certificate (ECDSA P-256, signed by a real
 * hub CA made for the run), one connection after another. The server runs in a child process; its
 * CPU (user + system) over N handshakes is the hub figure, this process's CPU over the same
 * connections the agent's (Node's http2 client; grpc-js adds its own work on top).
 */
import { fork } from "node:child_process";
import crypto from "node:crypto";
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

/** The last TLS session ticket a client got, offered on its next connection when `resume`. */
interface Tickets {
  resume: boolean;
  last?: Buffer;
}

/** One agent-side connection: TLS 1.3 + HTTP/2, closed once the server's SETTINGS arrived. */
function connectOnce(port: number, context: tls.SecureContext, tickets: Tickets): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, {
      secureContext: context,
      servername: "localhost",
      minVersion: "TLSv1.3",
      ...(tickets.resume && tickets.last ? { session: tickets.last } : {}),
    });
    session.socket.on("session", (ticket: Buffer) => {
      tickets.last = ticket;
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

interface Variant {
  /** The hub's ticket keys (hex), or null for SSL_OP_NO_TICKET (the hub before resumption). */
  ticketKeysHex: string | null;
  /** Each connection offers the last ticket it got. */
  resume: boolean;
}

/** CPU µs per handshake over `n` handshakes (after the warm-up): the hub's and the agent's. */
async function measure(
  options: http2.SecureServerOptions,
  variant: Variant,
  context: tls.SecureContext,
  n: number,
): Promise<{ server: number; client: number }> {
  const server = forkServer();
  try {
    const listening = server.next("listening");
    server.request({ type: "listen", options, ticketKeysHex: variant.ticketKeysHex });
    const { port } = await listening;
    const tickets: Tickets = { resume: variant.resume };
    for (let i = 0; i < WARMUP; i++) await connectOnce(port, context, tickets);
    server.request({ type: "start" });
    const client0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await connectOnce(port, context, tickets);
    const client = process.cpuUsage(client0);
    const cpu = server.next("cpu");
    server.request({ type: "stop" });
    const { micros, handshakes, verified, resumed } = await cpu;
    // Every handshake must have been the kind measured (mutual TLS, resumed or not), or the
    // figure measures something else.
    const expectResumed = variant.resume ? n : 0;
    if (handshakes !== n || verified !== n || resumed !== expectResumed)
      throw new Error(
        `expected ${n} verified handshakes (${expectResumed} resumed), the server saw ${handshakes} (${verified} verified, ${resumed} resumed)`,
      );
    return { server: micros / handshakes, client: (client.user + client.system) / n };
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
    const ticketKeys = crypto.randomBytes(48);
    const credentials = agentLinkServerCredentials(ca, identity, ticketKeys);
    const contextOptions = credentials._getSecureContextOptions() ?? {};
    // What grpc-js passes to http2.createSecureServer; PEMs as text so they cross the IPC channel
    // (the ticket keys as hex, in the variant).
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

    const variants: { name: string; variant: Variant; runs: { server: number; client: number }[] }[] = [
      {
        name: "baseline: no tickets to resume (the hub before)",
        variant: { ticketKeysHex: null, resume: false },
        runs: [],
      },
      {
        name: "agent link, full handshake (a first Connect)",
        variant: { ticketKeysHex: ticketKeys.toString("hex"), resume: false },
        runs: [],
      },
      {
        name: "agent link, resumed (every reconnect)",
        variant: { ticketKeysHex: ticketKeys.toString("hex"), resume: true },
        runs: [],
      },
    ];
    for (let r = 0; r < rounds; r++) {
      process.stderr.write(`bench: round ${r + 1}/${rounds}, ${n} handshakes per variant...\n`);
      for (const v of variants) v.runs.push(await measure(options, v.variant, context, n));
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    };
    const base = variants[0] as (typeof variants)[number];
    const baseServer = median(base.runs.map((x) => x.server));
    const baseClient = median(base.runs.map((x) => x.client));
    const pct = (x: number, b: number) => `${x >= b ? "+" : ""}${(((x - b) / b) * 100).toFixed(1)} %`;
    const rows = variants.map((v) => {
      const server = median(v.runs.map((x) => x.server));
      const client = median(v.runs.map((x) => x.client));
      const rounds = v.runs.map((x) => `${x.server.toFixed(0)}/${x.client.toFixed(0)}`).join(", ");
      const change = v === base ? "" : `  (${pct(server, baseServer)} / ${pct(client, baseClient)})`;
      return `${v.name.padEnd(50)} ${server.toFixed(0).padStart(5)} us  ${client.toFixed(0).padStart(5)} us${change}  rounds hub/agent: ${rounds}`;
    });
    process.stdout.write(
      [
        `Corral agent-link TLS handshake benchmark: ${n} handshakes per variant and round, ${rounds} round(s);`,
        `TLS 1.3, ECDSA P-256 server and node certificates, client certificate asked for, HTTP/2;`,
        `node ${process.version}, OpenSSL ${process.versions.openssl}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})`,
        "",
        `CPU per handshake (medians)                         hub       agent   (change vs baseline)`,
        ...rows,
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
