/**
 * `npm run dev`: a hub and one local agent on this machine, for trying Corral out.
 *
 * The hub runs in this process (startHub, SQLite in CORRAL_DATA_DIR, default ./data); the agent is
 * a child process (`node bin/corral-agent.js`) joined with CORRAL_BOOTSTRAP_JOIN_TOKEN, or else
 * with a dev token generated once and kept in <dataDir>/dev-join-token. Every CORRAL_* variable of
 * corral-hub and corral-agent applies; the only dev defaults are loopback hosts (CORRAL_HTTP_HOST,
 * CORRAL_GRPC_HOST = 127.0.0.1) and the agent's data dir (<dataDir>/agent).
 *
 * Prints the admin credentials, the API URL, how to point the CLI at it, and "node <name> ready".
 * SIGINT / SIGTERM stop the agent first, then close the hub, and exit 0.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import pino from "pino";
import { ConfigError, loadHubConfig, type HubConfig } from "../hub/config";
import { verifyPassword } from "../hub/core/passwords";
import { startHub, type RunningHub } from "../hub/hub";

/** Repository root: this file runs as dist/scripts/dev.js. */
const ROOT = path.resolve(__dirname, "..", "..");
/** How long the agent gets to leave after SIGTERM before SIGKILL, ms. */
const AGENT_STOP_MS = 10_000;
/** After this long without a ready node, say so (the dev run keeps going), ms. */
const READY_WARN_MS = 60_000;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  let config: Readonly<HubConfig>;
  try {
    config = loadHubConfig({ CORRAL_HTTP_HOST: "127.0.0.1", CORRAL_GRPC_HOST: "127.0.0.1", ...process.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`dev: ${err.message}\n`);
    process.exit(2);
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const joinToken = config.bootstrapJoinToken ?? devJoinToken(config.dataDir);
  const logger = pino({ level: config.logLevel }, { write: (s: string) => printLog("hub", s) });
  const hub = await startHub({ ...config, bootstrapJoinToken: joinToken }, { logger });
  await printAccess(hub, config);

  const runtime = process.env.CORRAL_RUNTIME || "docker";
  const dockerSocket = process.env.CORRAL_DOCKER_SOCKET || "/var/run/docker.sock";
  if (runtime === "docker" && !(await dockerAnswers(dockerSocket))) {
    say(`[dev] no Docker engine answers at ${dockerSocket}: the node registers but cannot run work.`);
    say(`[dev] hint: CORRAL_RUNTIME=fake npm run dev simulates a container runtime.`);
  }
  const agent = spawn(process.execPath, [path.join(ROOT, "bin", "corral-agent.js")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CORRAL_HUB: hub.grpcAddress,
      // With the hub CA's fingerprint (K10...): the agent verifies the hub before it joins.
      CORRAL_JOIN_TOKEN: hub.core.joinTokens.present(joinToken),
      CORRAL_RUNTIME: runtime,
      CORRAL_AGENT_DATA_DIR: process.env.CORRAL_AGENT_DATA_DIR || path.join(config.dataDir, "agent"),
    },
  });
  for (const stream of [agent.stdout, agent.stderr]) {
    readline.createInterface({ input: stream }).on("line", (line) => printLog("agent", line));
  }
  say(`[dev] agent started (pid ${agent.pid ?? "?"}, runtime ${runtime})`);

  let stopping = false;
  const stop = async (why: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`[dev] ${why}: stopping the agent, then the hub`);
    await stopChild(agent, AGENT_STOP_MS);
    await hub.close();
    say("[dev] stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop("SIGINT", 0));
  process.on("SIGTERM", () => void stop("SIGTERM", 0));
  agent.once("exit", (code, signal) => {
    if (!stopping) void stop(`the agent exited (${signal ?? `code ${code}`})`, 1);
  });

  const nodeName = process.env.CORRAL_NODE_NAME || os.hostname();
  const name = await waitReady(hub, nodeName, () => stopping);
  if (name) say(`[dev] node ${name} ready`);
}

/** The dev join token: made once per data dir and kept there (mode 0600), so restarts reuse it. */
function devJoinToken(dataDir: string): string {
  const file = path.join(dataDir, "dev-join-token");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const token = `dev-${crypto.randomBytes(24).toString("base64url")}`;
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function printAccess(hub: RunningHub, config: Readonly<HubConfig>): Promise<void> {
  const user = config.adminUsername;
  let password = hub.generatedAdminPassword;
  let note = "generated now; shown once — keep it";
  if (!password && config.adminPassword !== undefined) {
    const admin = hub.core.users.find(user);
    const matches = admin ? await verifyPassword(config.adminPassword, admin.passwordHash) : false;
    password = matches ? config.adminPassword : null;
    note = "from CORRAL_ADMIN_PASSWORD";
  }
  const api = `${hub.httpUrl}/api/corral/v1`;
  say("");
  say("Corral dev hub");
  say(`  data dir: ${config.dataDir}`);
  say(`  API:      ${api}`);
  say(`  agents:   ${hub.grpcAddress} (gRPC over TLS, hub CA ${hub.ca.certFile})`);
  say(`  CA sha256: ${hub.ca.fingerprint}`);
  say(`  username: ${user}`);
  if (password) {
    say(`  password: ${password} (${note})`);
  } else {
    say(
      `  password: (admin ${user} already exists in ${config.dataDir} from an earlier run: use the password printed then)`,
    );
    say(
      `  to reset: stop, delete ${config.dataDir} (or use a fresh CORRAL_DATA_DIR), optionally set CORRAL_ADMIN_PASSWORD, start again`,
    );
  }
  say(`  Console:  ${hub.httpUrl}/  (sign in as the admin above)`);
  say("CLI:");
  say(
    `  node bin/corral.js login --hub ${hub.httpUrl} --username ${user} --password ${password ?? "<password>"}`,
  );
  say("  node bin/corral.js node list");
  say("");
}

/** True when a Docker engine answers GET /_ping on the socket within 2 s. */
function dockerAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: "/_ping", timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** Resolves with the node's name once it is ready with a live stream; null if stopped first. */
async function waitReady(hub: RunningHub, nodeName: string, stopped: () => boolean): Promise<string | null> {
  const started = Date.now();
  let warned = false;
  while (!stopped()) {
    const node = hub.core.nodes
      .list()
      .find((n) => n.name === nodeName && n.status === "ready" && hub.gateway.sessions.has(n.id));
    if (node) return node.name;
    if (!warned && Date.now() - started > READY_WARN_MS) {
      warned = true;
      say(`[dev] node ${nodeName} is not ready after ${READY_WARN_MS / 1000} s; see the [agent] lines`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const QUIET_FIELDS = new Set(["level", "time", "pid", "hostname", "msg", "service", "node"]);

/** One pino JSON line as `[source] LEVEL msg key=value...`; anything else is printed as it came. */
function printLog(source: string, raw: string): void {
  for (const line of raw.split("\n")) {
    if (!line.trim()) continue;
    let entry: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        entry = parsed as Record<string, unknown>;
    } catch {
      // not JSON: the child's own stderr text
    }
    if (!entry) {
      say(`[${source}] ${line}`);
      continue;
    }
    const level = LEVELS[Number(entry.level)] ?? String(entry.level);
    const fields = Object.entries(entry)
      .filter(([k]) => !QUIET_FIELDS.has(k))
      .map(([k, v]) => `${k}=${fieldText(v)}`);
    say(`[${source}] ${level} ${String(entry.msg ?? "")}${fields.length ? ` ${fields.join(" ")}` : ""}`);
  }
}

/** A field for one log line: strings bare, a serialised error by its message (the stack is noise here). */
function fieldText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && "message" in v && typeof v.message === "string")
    return JSON.stringify(v.message);
  return JSON.stringify(v);
}

main().catch((err: unknown) => {
  process.stderr.write(`dev: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
