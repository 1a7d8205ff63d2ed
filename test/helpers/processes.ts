import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { certificateFingerprint } from "../../lib/pki/certificates";
import { formatJoinToken } from "../../lib/pki/join-token";
import { repoRoot } from "./fixtures";
import { request, type HttpResult } from "./http";
import { waitFor } from "./wait";

/** A free loopback TCP port (bound and released; good enough for tests on one machine). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A built bin (corral-hub, corral-agent, corral) running as its own process. */
export class BuiltProcess {
  output = "";
  exitCode: number | null = null;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      child.on("exit", (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  static start(
    bin: "corral-hub" | "corral-agent" | "corral",
    args: string[],
    env: Record<string, string>,
  ): BuiltProcess {
    const child = spawn(process.execPath, [path.join(repoRoot(), "bin", `${bin}.js`), ...args], {
      cwd: repoRoot(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new BuiltProcess(bin, child);
  }

  /** SIGTERM, and wait for the exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.exitCode === null && this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  async waitForOutput(pattern: RegExp, what: string): Promise<void> {
    await waitFor(
      () => pattern.test(this.output),
      `${this.name}: ${what}\n--- output ---\n${this.output.slice(-2000)}`,
      45_000, // a bound, not a timing: a loaded CI machine may start slowly
    );
  }
}

/** Runs the built CLI to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot(), "bin", "corral.js"), ...args], {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}

export interface BuiltHub {
  process: BuiltProcess;
  httpUrl: string;
  grpcAddress: string;
  /** The hub CA the hub made in its data dir (`tls/ca.crt`). */
  caFile: string;
  /** `secret` as an agent is given it: `K10<CA sha256>::secret`, so the agent verifies the hub. */
  agentToken(secret: string): string;
}

/**
 * The built corral-hub on free loopback ports with its data in `dataDir`, started and answering.
 * `env` adds or overrides settings (admin password, bootstrap join token, heartbeat...).
 */
export async function startBuiltHub(dataDir: string, env: Record<string, string> = {}): Promise<BuiltHub> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const process = BuiltProcess.start("corral-hub", [], {
    CORRAL_DATA_DIR: dataDir,
    CORRAL_HTTP_HOST: "127.0.0.1",
    CORRAL_HTTP_PORT: String(httpPort),
    CORRAL_GRPC_HOST: "127.0.0.1",
    CORRAL_GRPC_PORT: String(grpcPort),
    ...env,
  });
  await process.waitForOutput(/hub started/, "hub started");
  const caFile = path.join(dataDir, "tls", "ca.crt");
  const fingerprint = certificateFingerprint(fs.readFileSync(caFile, "utf8"));
  return {
    process,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    caFile,
    agentToken: (secret) => formatJoinToken(fingerprint, secret),
  };
}

/** A built hub with one built agent joined and ready, and an admin token for the native API. */
export interface BuiltCluster {
  hub: BuiltProcess;
  agent: BuiltProcess;
  httpUrl: string;
  token: string;
  /** A native API call with the admin token: `api("GET", "/workloads")`. */
  api: <T>(method: string, url: string, body?: unknown) => Promise<HttpResult<T>>;
}

/**
 * Starts the built hub in `dir/hub` (heartbeat 500 ms) and one built agent named `node` in
 * `cluster` (data in `dir/agent-<node>`, no nvidia-smi), logs the admin in and waits until the
 * node is ready. The e2e suites' common start.
 */
export async function startBuiltCluster(
  dir: string,
  opts: { cluster: string; node: string; joinToken: string; adminPassword: string },
): Promise<BuiltCluster> {
  const started = await startBuiltHub(path.join(dir, "hub"), {
    CORRAL_ADMIN_PASSWORD: opts.adminPassword,
    CORRAL_BOOTSTRAP_JOIN_TOKEN: opts.joinToken,
    CORRAL_HEARTBEAT_INTERVAL_MS: "500",
  });
  const login = await request<{ token: string }>(`${started.httpUrl}/api/corral/v1/auth/login`, "POST", {
    username: "admin",
    password: opts.adminPassword,
  });
  const token = login.body.token;
  const api = <T>(method: string, url: string, body?: unknown) =>
    request<T>(`${started.httpUrl}/api/corral/v1${url}`, method, body, token);
  const agent = BuiltProcess.start("corral-agent", [], {
    CORRAL_HUB: started.grpcAddress,
    // With the CA fingerprint: the agent verifies the hub over TLS as a production agent does.
    CORRAL_JOIN_TOKEN: started.agentToken(opts.joinToken),
    CORRAL_CLUSTER: opts.cluster,
    CORRAL_NODE_NAME: opts.node,
    CORRAL_AGENT_DATA_DIR: path.join(dir, `agent-${opts.node}`),
    CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
  });
  await waitFor(
    async () =>
      (await api<{ status: string }>("GET", `/nodes/${opts.node}?cluster=${opts.cluster}`)).body.status ===
      "ready",
    `node ${opts.node} ready`,
    30_000,
    100,
  );
  return { hub: started.process, agent, httpUrl: started.httpUrl, token, api };
}
