import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadHubConfig } from "../../../hub/config";

describe("hub config", () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-config-"));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (content: string): string => {
    const f = path.join(dir, "hub.json");
    fs.writeFileSync(f, content);
    return f;
  };

  const refuses = (env: Record<string, string>, variable: string): void =>
    assert.throws(
      () => loadHubConfig(env),
      (err: unknown) =>
        err instanceof ConfigError && err.variable === variable && err.message.includes(variable),
      `${JSON.stringify(env)} should name ${variable}`,
    );

  it("has a default for every setting and is frozen", () => {
    const c = loadHubConfig({});
    assert.deepEqual(c, {
      dataDir: path.resolve("./data"),
      httpHost: "0.0.0.0",
      httpPort: 9080,
      grpcHost: "0.0.0.0",
      grpcPort: 9081,
      adminUsername: "admin",
      adminPassword: undefined,
      bootstrapJoinToken: undefined,
      heartbeatIntervalMs: 10_000,
      nodeDownAfterMs: 300_000,
      metricsSampleMs: 60_000,
      registryUrl: undefined,
      oteAdminAutoDeploy: true,
      oteHpaIntervalMs: 15_000,
      restartBackoffMs: 10_000,
      taskMetricsRetentionHours: 168,
      oteCrashLoopRestarts: 3,
      oteCrashLoopWindowMs: 300_000,
      oteNoTargetTimeoutMs: 300_000,
      openpaiListRatePerMin: 120,
      openpaiSubmitRatePerHour: 3600,
      modelartsRegion: "cn-north-4",
      modelartsNotebookQuota: 20,
      modelartsStorage: {},
      tlsSans: [],
      nodeCertTtlS: 2_592_000,
      httpTls: "off",
      httpTlsCertFile: undefined,
      httpTlsKeyFile: undefined,
      maxTasksPerWorkload: 1000,
      maxLiveTasksPerUser: 10_000,
      submitRatePerMin: 600,
      defaultTaskCpuMilli: 100,
      defaultTaskMemoryMiB: 256,
      logLevel: "info",
      joinRatePerS: 200,
    });
    assert.ok(Object.isFrozen(c));
  });

  it("transport settings: TLS SANs, node certificate lifetime, HTTP TLS mode and files", () => {
    const cert = path.join(dir, "http.crt");
    const key = path.join(dir, "http.key");
    fs.writeFileSync(cert, "x");
    fs.writeFileSync(key, "x");
    const c = loadHubConfig({ CORRAL_TLS_SANS: "hub.example, 10.0.0.5", CORRAL_NODE_CERT_TTL_S: "3600" });
    assert.deepEqual(c.tlsSans, ["hub.example", "10.0.0.5"]);
    assert.equal(c.nodeCertTtlS, 3600);
    assert.equal(loadHubConfig({ CORRAL_HTTP_TLS: "auto" }).httpTls, "auto");
    const files = loadHubConfig({ CORRAL_HTTP_TLS_CERT: cert, CORRAL_HTTP_TLS_KEY: key });
    assert.equal(files.httpTls, "files");
    refuses({ CORRAL_HTTP_TLS_CERT: cert }, "CORRAL_HTTP_TLS_CERT");
    refuses(
      { CORRAL_HTTP_TLS: "auto", CORRAL_HTTP_TLS_CERT: cert, CORRAL_HTTP_TLS_KEY: key },
      "CORRAL_HTTP_TLS",
    );
    refuses({ CORRAL_HTTP_TLS: "files" }, "CORRAL_HTTP_TLS");
    refuses({ CORRAL_HTTP_TLS: "on" }, "CORRAL_HTTP_TLS");
    refuses(
      { CORRAL_HTTP_TLS_CERT: path.join(dir, "none"), CORRAL_HTTP_TLS_KEY: key },
      "CORRAL_HTTP_TLS_CERT",
    );
    refuses({ CORRAL_NODE_CERT_TTL_S: "10" }, "CORRAL_NODE_CERT_TTL_S");
  });

  it("refuses workload limits out of range, naming the variable", () => {
    assert.throws(
      () => loadHubConfig({ CORRAL_MAX_TASKS_PER_WORKLOAD: "0" }),
      /CORRAL_MAX_TASKS_PER_WORKLOAD/,
    );
    assert.throws(
      () => loadHubConfig({ CORRAL_DEFAULT_TASK_CPU_MILLI: "-5" }),
      /CORRAL_DEFAULT_TASK_CPU_MILLI/,
    );
    assert.equal(loadHubConfig({ CORRAL_SUBMIT_RATE_PER_MIN: "0" }).submitRatePerMin, 0);
  });

  it("reads each variable, and an empty one counts as unset", () => {
    const c = loadHubConfig({
      CORRAL_DATA_DIR: dir,
      CORRAL_HTTP_PORT: "0",
      CORRAL_GRPC_PORT: "65535",
      CORRAL_ADMIN_PASSWORD: "sixsix",
      CORRAL_LOG_LEVEL: "debug",
      CORRAL_HEARTBEAT_INTERVAL_MS: " 50 ",
      CORRAL_HTTP_HOST: "",
    });
    assert.deepEqual(
      [c.dataDir, c.httpPort, c.grpcPort, c.adminPassword, c.logLevel, c.heartbeatIntervalMs, c.httpHost],
      [dir, 0, 65535, "sixsix", "debug", 50, "0.0.0.0"],
    );
  });

  it("refuses a non-integer port, naming the variable", () => {
    for (const v of ["http", "80.5", "1e3", "80a", "0x50"])
      refuses({ CORRAL_HTTP_PORT: v }, "CORRAL_HTTP_PORT");
    refuses({ CORRAL_GRPC_PORT: "nine" }, "CORRAL_GRPC_PORT");
  });

  it("refuses out-of-range numbers, naming the variable", () => {
    refuses({ CORRAL_HTTP_PORT: "65536" }, "CORRAL_HTTP_PORT");
    refuses({ CORRAL_GRPC_PORT: "-1" }, "CORRAL_GRPC_PORT");
    refuses({ CORRAL_HEARTBEAT_INTERVAL_MS: "49" }, "CORRAL_HEARTBEAT_INTERVAL_MS");
    refuses({ CORRAL_NODE_DOWN_AFTER_MS: "999" }, "CORRAL_NODE_DOWN_AFTER_MS");
    refuses({ CORRAL_METRICS_SAMPLE_MS: "86400001" }, "CORRAL_METRICS_SAMPLE_MS");
    refuses({ CORRAL_NODE_DOWN_AFTER_MS: "99999999999999999999" }, "CORRAL_NODE_DOWN_AFTER_MS");
    refuses({ CORRAL_TASK_METRICS_RETENTION_HOURS: "0" }, "CORRAL_TASK_METRICS_RETENTION_HOURS");
  });

  it("refuses a bad log level, a short admin password, a bad admin name or bootstrap token", () => {
    refuses({ CORRAL_LOG_LEVEL: "loud" }, "CORRAL_LOG_LEVEL");
    refuses({ CORRAL_LOG_LEVEL: "INFO" }, "CORRAL_LOG_LEVEL");
    refuses({ CORRAL_ADMIN_PASSWORD: "12345" }, "CORRAL_ADMIN_PASSWORD");
    refuses({ CORRAL_ADMIN_USERNAME: "bad name" }, "CORRAL_ADMIN_USERNAME");
    refuses({ CORRAL_BOOTSTRAP_JOIN_TOKEN: "short" }, "CORRAL_BOOTSTRAP_JOIN_TOKEN");
  });

  it("refuses a CORRAL_CONFIG_FILE that is missing, not JSON or not an object", () => {
    refuses({ CORRAL_CONFIG_FILE: path.join(dir, "missing.json") }, "CORRAL_CONFIG_FILE");
    refuses({ CORRAL_CONFIG_FILE: file("{not json") }, "CORRAL_CONFIG_FILE");
    refuses({ CORRAL_CONFIG_FILE: file("[1, 2]") }, "CORRAL_CONFIG_FILE");
    refuses({ CORRAL_CONFIG_FILE: file("null") }, "CORRAL_CONFIG_FILE");
  });

  it("reads the file, validates its values, and lets the environment win", () => {
    const f = file(
      JSON.stringify({ CORRAL_HTTP_PORT: 8080, CORRAL_LOG_LEVEL: "warn", CORRAL_GRPC_HOST: "127.0.0.1" }),
    );
    const fromFile = loadHubConfig({ CORRAL_CONFIG_FILE: f });
    assert.deepEqual([fromFile.httpPort, fromFile.logLevel, fromFile.grpcHost], [8080, "warn", "127.0.0.1"]);
    const envWins = loadHubConfig({
      CORRAL_CONFIG_FILE: f,
      CORRAL_HTTP_PORT: "7000",
      CORRAL_LOG_LEVEL: "error",
    });
    assert.deepEqual([envWins.httpPort, envWins.logLevel, envWins.grpcHost], [7000, "error", "127.0.0.1"]);
    refuses({ CORRAL_CONFIG_FILE: file(JSON.stringify({ CORRAL_HTTP_PORT: 70000 })) }, "CORRAL_HTTP_PORT");
  });

  it("reads the ModelArts storage buckets as node directories and refuses a bad entry", () => {
    const c = loadHubConfig({ CORRAL_MODELARTS_STORAGE: "datasets=/srv/data, models=/srv/models" });
    assert.deepEqual(c.modelartsStorage, { datasets: "/srv/data", models: "/srv/models" });
    for (const bad of ["datasets", "x=/srv", "data=relative", "data=/srv/../etc", "__proto__=/srv"]) {
      refuses({ CORRAL_MODELARTS_STORAGE: bad }, "CORRAL_MODELARTS_STORAGE");
    }
  });
});
