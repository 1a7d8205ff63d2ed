/**
 * `npm run bench:api`: how fast the hub answers its hot reads, next to a bare Koa server in the
 * same run.
 *
 * One hub (startHub: SQLite in a temp dir, loopback ports) seeded through core with N ready nodes
 * (join + Hello + ready; no agent processes, see api-seed.ts) and M one-task workloads (a tenth of
 * them submitted through OpenPAI's POST /api/v2/jobs), placed by the hub's own scheduler (no
 * agent starts them: they stay assigned, holding their node's resources). Then,
 * for each read, autocannon (in a worker thread) hits the hub and then a bare Koa + @koa/router
 * server answering the same JSON body (parsed once from the hub's answer, serialised per request
 * as Koa does): req/s, p50 and p99. A bare `{ok: true}` answer is measured once too, the figure
 * the issue quotes. Targets (issue 15): a page of 100 >= 50 % of bare Koa's req/s, the full
 * 1k-node list >= 500 req/s. It reports; it asserts nothing.
 *
 * Flags (env variable, default): --nodes N (CORRAL_BENCH_NODES, 1000), --workloads N
 * (CORRAL_BENCH_WORKLOADS, 10000), --duration-s S per measurement (CORRAL_BENCH_DURATION_S, 5),
 * --connections N (CORRAL_BENCH_CONNECTIONS, 10).
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import Router from "@koa/router";
import autocannon from "autocannon";
import Koa from "koa";
import pino from "pino";
import { loadHubConfig } from "../../hub/config";
import { startHub } from "../../hub/hub";
import { seedNodes, seedPaiJobs, seedWorkloads } from "./api-seed";

interface Options {
  nodes: number;
  workloads: number;
  durationS: number;
  connections: number;
}

function options(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flag = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    const a = argv[i] as string;
    return a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1];
  };
  const int = (name: string, envName: string, def: number, min: number): number => {
    const raw = flag(name) ?? env[envName];
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      console.error(`${name} (${envName}) must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
      process.exit(2);
    }
    return n;
  };
  return {
    nodes: int("--nodes", "CORRAL_BENCH_NODES", 1000, 1),
    workloads: int("--workloads", "CORRAL_BENCH_WORKLOADS", 10_000, 10),
    durationS: int("--duration-s", "CORRAL_BENCH_DURATION_S", 5, 1),
    connections: int("--connections", "CORRAL_BENCH_CONNECTIONS", 10, 1),
  };
}

interface Measured {
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function measure(url: string, token: string | null, o: Options): Promise<Measured> {
  const result = await autocannon({
    url,
    connections: o.connections,
    duration: o.durationS,
    workers: 1,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    reqPerS: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** A bare Koa + @koa/router server answering `body` (re-serialised per request, as Koa does). */
async function bareKoa(body: () => unknown): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Koa();
  const router = new Router();
  router.get("/json", (ctx) => {
    ctx.body = body();
  });
  app.use(router.routes());
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2), process.env);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-bench-api-"));
  const config = loadHubConfig({
    CORRAL_DATA_DIR: dataDir,
    CORRAL_HTTP_HOST: "127.0.0.1",
    CORRAL_HTTP_PORT: "0",
    CORRAL_GRPC_HOST: "127.0.0.1",
    CORRAL_GRPC_PORT: "0",
    CORRAL_ADMIN_USERNAME: "admin",
    CORRAL_ADMIN_PASSWORD: "bench-admin-password",
    // The reads are what is measured: no per-user throttles in the way.
    CORRAL_OPENPAI_LIST_RATE_PER_MIN: "0",
    CORRAL_OPENPAI_SUBMIT_RATE_PER_HOUR: "0",
    CORRAL_SUBMIT_RATE_PER_MIN: "0",
  });
  const hub = await startHub(config, { logger: pino({ level: "warn" }) });
  try {
    const login = await fetch(`${hub.httpUrl}/api/corral/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "bench-admin-password" }),
    });
    const { token } = (await login.json()) as { token: string };

    let t = performance.now();
    seedNodes(hub.core, o.nodes);
    const pai = Math.floor(o.workloads / 10);
    // OpenPAI's first (HTTP: the scheduler runs between them), then core's in one go.
    await seedPaiJobs(hub.httpUrl, token, pai);
    seedWorkloads(hub.core, o.workloads - pai);
    const seedS = (performance.now() - t) / 1000;
    t = performance.now();
    let placed = 0;
    for (let n = hub.scheduleNow(); n > 0; n = hub.scheduleNow()) placed += n;
    const placeS = (performance.now() - t) / 1000;
    console.log(
      `seeded ${o.nodes} nodes and ${o.workloads} workloads (${pai} through OpenPAI) in ${seedS.toFixed(1)} s; ` +
        `placed ${placed} tasks in ${placeS.toFixed(1)} s`,
    );

    const reads = [
      { name: "100 nodes (page)", path: "/api/corral/v1/nodes?limit=100", target: "ratio" },
      { name: "100 workloads (page)", path: "/api/corral/v1/workloads?limit=100", target: "ratio" },
      { name: "100 OpenPAI jobs (page)", path: "/api/v2/jobs?offset=0&limit=100", target: "ratio" },
      { name: `${o.nodes} nodes (full list)`, path: "/api/corral/v1/nodes", target: "500" },
    ] as const;

    const tiny = await bareKoa(() => ({ ok: true }));
    const tinyM = await measure(tiny.url, null, o);
    await tiny.close();

    const rows: string[][] = [];
    const fmt = (n: number, d = 0) => n.toFixed(d);
    rows.push([
      "bare Koa {ok:true}",
      fmt(tinyM.reqPerS),
      fmt(tinyM.p50Ms, 1),
      fmt(tinyM.p99Ms, 1),
      "",
      "",
      "",
      "",
    ]);
    for (const r of reads) {
      const res = await fetch(`${hub.httpUrl}${r.path}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${r.path}: ${res.status} ${text.slice(0, 200)}`);
      const parsed: unknown = JSON.parse(text);
      const hubM = await measure(`${hub.httpUrl}${r.path}`, token, o);
      const bare = await bareKoa(() => parsed);
      const bareM = await measure(bare.url, null, o);
      await bare.close();
      const ratio = hubM.reqPerS / bareM.reqPerS;
      const verdict =
        r.target === "ratio"
          ? `${(ratio * 100).toFixed(0)} % of bare (target >= 50 %)${ratio >= 0.5 ? " ok" : " MISSED"}`
          : `target >= 500 req/s${hubM.reqPerS >= 500 ? " ok" : " MISSED"}`;
      rows.push([
        r.name,
        fmt(hubM.reqPerS),
        fmt(hubM.p50Ms, 1),
        fmt(hubM.p99Ms, 1),
        `${(text.length / 1024).toFixed(0)} KiB`,
        fmt(bareM.reqPerS),
        hubM.errors + bareM.errors > 0 ? `${hubM.errors + bareM.errors} errors` : "",
        verdict,
      ]);
    }
    const head = [
      "read",
      "hub req/s",
      "p50 ms",
      "p99 ms",
      "body",
      "bare Koa same body req/s",
      "",
      "vs target",
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
    console.log(
      `\n${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; ` + `${o.connections} connections, ${o.durationS} s each`,
    );
    console.log(line(head));
    for (const r of rows) console.log(line(r));
  } finally {
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
