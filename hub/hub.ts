import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { Server } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { listenAgentLink } from "./agents/agent-link-listener";
import { widenReceiveWindows } from "./agents/flow-control";
import { AgentGateway } from "./agents/gateway";
import { createApp } from "./api/app";
import { CLUSTER_CHANGE_DEBOUNCE_MS, type Surface, type SurfaceFactory } from "./api/surface";
import { SURFACES } from "./api/surfaces";
import { upgradeThrough } from "./api/tunnel/upgrade";
import type { HubConfig } from "./config";
import { createCore, type Core } from "./core";
import { systemClock, type Clock } from "./core/clock";
import { DEFAULT_PROJECT_SAMPLE_MS } from "./core/project-metrics";
import { passDelayMs } from "./pass-pacing";
import { FileKeyRing, securePermissions } from "./store/key-files";
import { openSqliteStore } from "./store/sqlite-store";
import { agentLinkServerCredentials } from "./tls/grpc-credentials";
import { defaultSans, HubCa } from "./tls/hub-ca";

export interface RunningHub {
  core: Core;
  gateway: AgentGateway;
  httpUrl: string;
  grpcAddress: string;
  /** The hub's own CA (`<dataDir>/tls`): its fingerprint goes into join tokens (issue 13). */
  ca: HubCa;
  /** Set when the admin was created at this start with a generated password (print it once). */
  generatedAdminPassword: string | null;
  /** The REST surfaces it serves (their route tables feed the authorization matrix test). */
  surfaces: readonly Surface[];
  /** Runs the scheduler now (tests use it to avoid waiting for the debounce). */
  scheduleNow(): number;
  /** Drains: stops accepting, ends agent streams, flushes batched writes, closes the store. */
  close(): Promise<void>;
}

export interface HubOptions {
  logger: Logger;
  clock?: Clock;
  /** The REST surfaces to serve. @default SURFACES (hub/api/surfaces.ts) */
  surfaces?: readonly SurfaceFactory[];
  /** The built web console to serve at /. @default dist/console (hub/api/console/static.ts) */
  consoleDir?: string;
}

/** Composition root shared by main.ts, `npm run dev`, tests and benchmarks: config -> store -> services -> HTTP + gRPC. */
export async function startHub(config: Readonly<HubConfig>, options: HubOptions): Promise<RunningHub> {
  const { logger } = options;
  const store = openSqliteStore(config.dataDir);
  // The data dir is the hub's alone; its keys live in their own files, not in corral.db.
  securePermissions(config.dataDir);
  const keys = new FileKeyRing(config.dataDir, store.settings);
  const ca = await HubCa.open(config.dataDir);
  const serverIdentity = await ca.serverIdentity(
    defaultSans(config.tlsSans, [config.grpcHost, config.httpHost]),
  );
  const core = createCore(store, options.clock ?? systemClock, {
    hubCaFingerprint: ca.fingerprint,
    keys,
    workloadLimits: {
      maxTasksPerWorkload: config.maxTasksPerWorkload,
      maxLiveTasksPerUser: config.maxLiveTasksPerUser,
      submitsPerMinute: config.submitRatePerMin,
      defaultCpuMilli: config.defaultTaskCpuMilli,
      defaultMemoryMiB: config.defaultTaskMemoryMiB,
    },
    downAfterMs: config.nodeDownAfterMs,
    metricsSampleMs: config.metricsSampleMs,
    hpaIntervalMs: config.oteHpaIntervalMs,
    restartBackoffMs: config.restartBackoffMs,
    taskMetricsRetentionMs: config.taskMetricsRetentionHours * 3_600_000,
    serviceFailure: {
      crashLoopRestarts: config.oteCrashLoopRestarts,
      crashLoopWindowMs: config.oteCrashLoopWindowMs,
      noTargetTimeoutMs: config.oteNoTargetTimeoutMs,
    },
  });
  const admin = await core.users.ensureAdmin(config.adminUsername, config.adminPassword);
  if (config.bootstrapJoinToken) core.joinTokens.ensureBootstrap(config.bootstrapJoinToken);
  const httpLogger = logger.child({ component: "http" });
  let boundGrpcPort = config.grpcPort;
  const agentPort = () => boundGrpcPort;
  const surfaces = (options.surfaces ?? SURFACES).map((make) =>
    make({ core, config, logger: httpLogger, agentPort }),
  );
  const unwireSurfaces = wireSurfaceHooks(core, surfaces, logger);

  const gateway = new AgentGateway(core, {
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    missedBeats: 4,
    logTimeoutMs: 15_000,
    helloTimeoutMs: 30_000,
    ca,
    nodeCertTtlMs: config.nodeCertTtlS * 1000,
    joinRatePerS: config.joinRatePerS,
    logger: logger.child({ component: "gateway" }),
  });
  core.workloads.setLogSource(gateway);
  core.tunnels.setTransport(gateway);
  core.images.setCommitter(gateway);
  const grpcServer = new Server({
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_permit_without_calls": 1,
  });
  gateway.register(grpcServer);
  // TLS always (issue 13): no plaintext AgentLink listener exists.
  const agentListener = await listenAgentLink(
    grpcServer,
    agentLinkServerCredentials(ca, serverIdentity),
    config.grpcHost,
    config.grpcPort,
  );
  const grpcPort = agentListener.port;
  boundGrpcPort = grpcPort;
  widenReceiveWindows(grpcServer, logger);

  const app = createApp(
    core,
    httpLogger,
    {
      agentSessions: () => gateway.sessions.size,
      heartbeatsTotal: () => gateway.heartbeatCount(),
    },
    surfaces,
    options.consoleDir,
  );
  const handle = app.callback();
  const httpTls = httpTlsIdentity(config, serverIdentity);
  const httpServer = httpTls ? https.createServer(httpTls, handle) : http.createServer(handle);
  // Upgrades (tunnelled WebSockets, exec) go through the same app, routes and auth.
  httpServer.on("upgrade", upgradeThrough(handle));
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.httpPort, config.httpHost, () => resolve());
  });
  const httpPort = (httpServer.address() as AddressInfo).port;

  // Scheduling runs soon after anything that may let tasks be placed, coalesced, plus a slow tick.
  let scheduleQueued = false;
  const scheduleNow = (): number => {
    try {
      return core.placement.runOnce();
    } catch (err) {
      logger.error({ err }, "scheduler pass failed");
      return 0;
    }
  };
  // Leading edge: the first signal after a quiet spell runs the pass on the next turn (a submit's
  // task reaches its agent in ms); later ones coalesce, as long after the last pass as it took
  // (pass-pacing.ts).
  let lastPassAt = -Infinity;
  let lastPassMs = 0;
  const unsubscribe = core.signals.schedulingNeeded.on(() => {
    if (scheduleQueued) return;
    scheduleQueued = true;
    const run = () => {
      scheduleQueued = false;
      const startedAt = performance.now();
      scheduleNow();
      lastPassAt = performance.now();
      lastPassMs = lastPassAt - startedAt;
    };
    // No wait due: setImmediate (after the answer to the request that signalled has been written),
    // not setTimeout(0), which Node rounds up to 1 ms.
    const delayMs = passDelayMs(performance.now(), lastPassAt, lastPassMs);
    if (delayMs === 0) setImmediate(run).unref();
    else setTimeout(run, delayMs).unref();
  });
  const safely = (what: string, fn: () => void) => () => {
    try {
      fn();
    } catch (err) {
      logger.error({ err }, `${what} failed`);
    }
  };
  const timers = [
    setInterval(
      safely("liveness check", () => gateway.checkLiveness()),
      Math.max(25, Math.floor(config.heartbeatIntervalMs / 2)),
    ),
    setInterval(
      safely("batched write", () => {
        core.nodes.flush();
        core.taskMetrics.flush();
        core.invocations.flush();
      }),
      500,
    ),
    setInterval(
      safely("lost-task sweep", () => {
        core.nodes.markDownNodes();
        core.lifecycle.markLost();
      }),
      1_000,
    ),
    // A pass only when something may have changed (PlacementLoop.tick); signals run one at once.
    setInterval(
      safely("scheduler tick", () => core.placement.tick()),
      5_000,
    ),
    // Per-project allocation / utilisation samples (Run:ai metrics), one batch per tick.
    setInterval(
      safely("project metrics", () => core.projectMetrics.sample()),
      DEFAULT_PROJECT_SAMPLE_MS,
    ),
    // Replicated services converge (rollouts, label following, autoscaling) on a short tick.
    setInterval(
      safely("service controller", () => core.serviceController.tick()),
      500,
    ),
  ];
  for (const t of timers) t.unref();
  setImmediate(scheduleNow);

  const host = (h: string) => (h === "0.0.0.0" || h === "::" ? "127.0.0.1" : h);
  let closed = false;
  return {
    core,
    gateway,
    httpUrl: `${httpTls ? "https" : "http"}://${host(config.httpHost)}:${httpPort}`,
    grpcAddress: `${host(config.grpcHost)}:${grpcPort}`,
    ca,
    generatedAdminPassword: admin.generatedPassword,
    surfaces,
    scheduleNow,
    close: async () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      unwireSurfaces();
      for (const t of timers) clearInterval(t);
      gateway.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      agentListener.close();
      await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
      core.nodes.flush();
      core.taskMetrics.flush(true);
      core.invocations.flush();
      store.close();
    },
  };
}

/**
 * The HTTP server's key and certificate: the configured files, the hub-CA-issued server identity
 * (CORRAL_HTTP_TLS=auto), or null for plain HTTP (loopback, or behind a TLS-terminating proxy).
 */
function httpTlsIdentity(
  config: Readonly<HubConfig>,
  server: { keyPem: string; chainPem: string },
): { key: string | Buffer; cert: string | Buffer } | null {
  if (config.httpTls === "auto") return { key: server.keyPem, cert: server.chainPem };
  if (config.httpTls === "files" && config.httpTlsCertFile && config.httpTlsKeyFile)
    return { key: fs.readFileSync(config.httpTlsKeyFile), cert: fs.readFileSync(config.httpTlsCertFile) };
  return null;
}

/**
 * Registers each surface's hooks with the core and runs its bootstrap steps, in registration
 * order. Returns what undoes the subscriptions (on close).
 */
function wireSurfaceHooks(core: Core, surfaces: readonly Surface[], logger: Logger): () => void {
  for (const s of surfaces) {
    for (const d of s.hooks.envDecorators ?? []) core.desired.addEnvDecorator(d);
    for (const p of s.hooks.pullSecretResolvers ?? [])
      core.desired.addPullSecretResolver(p.prefix, p.resolve);
    if (s.hooks.grants) core.authz.addGrantSource(s.name, s.hooks.grants);
  }
  for (const s of surfaces) s.hooks.bootstrap?.();
  const unsubscribes: (() => void)[] = [];
  for (const s of surfaces) {
    const onClusterChange = s.hooks.onClusterChange;
    if (!onClusterChange) continue;
    let queued: NodeJS.Timeout | null = null;
    const off = core.signals.schedulingNeeded.on(() => {
      if (queued) return;
      queued = setTimeout(() => {
        queued = null;
        try {
          onClusterChange();
        } catch (err) {
          logger.error({ err, surface: s.name }, "surface cluster-change hook failed");
        }
      }, CLUSTER_CHANGE_DEBOUNCE_MS);
      queued.unref();
    });
    unsubscribes.push(() => {
      off();
      if (queued) clearTimeout(queued);
    });
  }
  return () => {
    for (const u of unsubscribes) u();
  };
}
