import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunningAgent } from "../../agent/agent";
import { startAgent } from "../../agent/agent";
import type { HardwareSource } from "../../agent/link/hub-link";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { Runtime } from "../../agent/runtime/runtime";
import { loadHubConfig } from "../../hub/config";
import { startHub, type HubOptions, type RunningHub } from "../../hub/hub";
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
  options: Partial<Pick<HubOptions, "surfaces" | "logger">> = {},
): Promise<TestHub> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "corral-hub-"));
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
  const hub = await startHub(config, { logger: testLogger(), ...options });
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
}

/** An agent in this process over real loopback gRPC, with FakeRuntime unless told otherwise. */
export function startTestAgent(hub: TestHub, opts: TestAgentOptions): RunningAgent {
  return startAgent({
    hub: opts.hubAddress ?? hub.hub.grpcAddress,
    cluster: opts.cluster ?? "default",
    nodeName: opts.name,
    labels: opts.labels ?? [],
    joinToken: opts.joinToken ?? JOIN_TOKEN,
    dataDir: opts.dataDir ?? null,
    keepExitedMs: 3_600_000,
    runtime: opts.runtime ?? new FakeRuntime({ nodeId: opts.name }),
    hardware: opts.hardware ?? fakeHardware({ hostname: opts.name }),
    logger: testLogger(),
    retry: { initialMs: 50, multiplier: 2, maxMs: 500 },
  });
}
