import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunningAgent } from "../../agent/agent";
import { startAgent } from "../../agent/agent";
import type { HardwareSource } from "../../agent/link/hub-link";
import type { RetryPolicy } from "../../agent/link/retry-policy";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { Runtime } from "../../agent/runtime/runtime";
import { loadHubConfig } from "../../hub/config";
import { startHub, type HubOptions, type RunningHub } from "../../hub/hub";
import { defaultSans, HubCa } from "../../hub/tls/hub-ca";
import type { KeyPairPem } from "../../lib/pki/certificates";
import { testKeys } from "./test-keys";
import { fakeHardware } from "./fake-hardware";
import { request } from "./http";
import { testLogger } from "./logger";

export const ADMIN = { username: "admin", password: "admin-password-1" };
export const JOIN_TOKEN = "test-bootstrap-join-token-0001";

export interface TestHub {
  hub: RunningHub;
  dataDir: string;
  adminToken: string;
  /** JSON request to the hub's HTTP API as the admin (or with `token`). */
  api<T = unknown>(
    method: string,
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: T; text: string }>;
  close(): Promise<void>;
}

/**
 * A real hub in this process: SQLite file in a temp dir, HTTP and gRPC on loopback ephemeral ports.
 * `surfaces` replaces the hub's list of REST surfaces (tests of path ownership).
 */
export async function startTestHub(
  env: Record<string, string> = {},
  dataDir?: string,
  options: Partial<Pick<HubOptions, "surfaces" | "consoleDir" | "logger">> & {
    /** Let the hub create its own CA instead of copying this process's cached test CA. */
    freshCa?: boolean;
  } = {},
): Promise<TestHub> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "corral-hub-"));
  if (!options.freshCa) await seedTestCa(dir);
  const config = loadHubConfig({
    CORRAL_DATA_DIR: dir,
    CORRAL_HTTP_HOST: "127.0.0.1",
    CORRAL_HTTP_PORT: "0",
    CORRAL_GRPC_HOST: "127.0.0.1",
    CORRAL_GRPC_PORT: "0",
    CORRAL_ADMIN_USERNAME: ADMIN.username,
    CORRAL_ADMIN_PASSWORD: ADMIN.password,
    CORRAL_BOOTSTRAP_JOIN_TOKEN: JOIN_TOKEN,
    CORRAL_HEARTBEAT_INTERVAL_MS: "100",
    CORRAL_METRICS_SAMPLE_MS: "0",
    // Crash-looping services restart after 20 ms, 40 ms... so tests need not wait out real back-offs.
    CORRAL_RESTART_BACKOFF_MS: "20",
    ...env,
  });
  const hub = await startHub(config, {
    logger: options.logger ?? testLogger(),
    ...(options.surfaces ? { surfaces: options.surfaces } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  const api: TestHub["api"] = (method, url, body, token) =>
    request(`${hub.httpUrl}${url}`, method, body, token === undefined ? adminToken : token);
  let adminToken = "";
  const login = await api<{ token: string }>("POST", "/api/corral/v1/auth/login", ADMIN, null);
  adminToken = login.body.token;
  return {
    hub,
    dataDir: dir,
    adminToken,
    api,
    close: () => hub.close(),
  };
}

export interface TestAgentOptions {
  name: string;
  cluster?: string;
  labels?: string[];
  joinToken?: string;
  runtime?: Runtime;
  hardware?: HardwareSource;
  dataDir?: string | null;
  /** Connect through this address instead of the hub's (a TcpProxy). */
  hubAddress?: string;
  /** The link's retry policy. @default 50 ms doubling to 500 ms */
  retry?: RetryPolicy;
  /** HubLink certRenewFraction (renewal tests). */
  certRenewFraction?: number;
  /** CORRAL_HUB_CA_FILE. */
  hubCaFile?: string;
  /**
   * The agent's key maker. @default testKeys, one cached key for every test agent. An impostor
   * (another machine) needs its own: a join signed with a node's live key is that node's retry.
   */
  generateKey?: () => Promise<KeyPairPem>;
}

let templateTls: Promise<string> | null = null;

/**
 * Copies this process's test CA (and the server certificate it issued for loopback) into
 * `<dataDir>/tls` unless the hub has one there already: every test hub takes the real TLS path
 * without paying for RSA key generation each time. Made once, by the hub's own code (HubCa).
 */
async function seedTestCa(dataDir: string): Promise<void> {
  const tls = path.join(dataDir, "tls");
  if (fs.existsSync(path.join(tls, "ca.crt"))) return;
  templateTls ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-test-ca-"));
    const ca = await HubCa.open(dir);
    await ca.serverIdentity(defaultSans([], ["127.0.0.1", "127.0.0.1"]));
    return ca.dir;
  })();
  const template = await templateTls;
  fs.mkdirSync(tls, { recursive: true });
  for (const f of fs.readdirSync(template)) {
    fs.copyFileSync(path.join(template, f), path.join(tls, f));
    fs.chmodSync(path.join(tls, f), fs.statSync(path.join(template, f)).mode & 0o777);
  }
}

/**
 * An agent in this process over real loopback gRPC with mutual TLS, with FakeRuntime unless told
 * otherwise. Its default join token carries the hub's CA fingerprint (K10...), so the agent
 * verifies the hub as a production agent does; a bare `joinToken` takes the trust-on-first-use path.
 */
export function startTestAgent(hub: TestHub, opts: TestAgentOptions): RunningAgent {
  return startAgent({
    hub: opts.hubAddress ?? hub.hub.grpcAddress,
    cluster: opts.cluster ?? "default",
    nodeName: opts.name,
    labels: opts.labels ?? [],
    joinToken: opts.joinToken ?? hub.hub.core.joinTokens.present(JOIN_TOKEN),
    dataDir: opts.dataDir ?? null,
    keepExitedMs: 3_600_000,
    runtime: opts.runtime ?? new FakeRuntime({ nodeId: opts.name }),
    hardware: opts.hardware ?? fakeHardware({ hostname: opts.name }),
    logger: testLogger(),
    retry: opts.retry ?? { initialMs: 50, multiplier: 2, maxMs: 500 },
    ...(opts.certRenewFraction === undefined ? {} : { certRenewFraction: opts.certRenewFraction }),
    // One cached key pair for every test agent: the certificate, not the key, names the node.
    generateKey: opts.generateKey ?? testKeys,
    ...(opts.hubCaFile === undefined ? {} : { hubCaFile: opts.hubCaFile }),
  });
}
