/**
 * Fuzz over every write route of every surface, enumerated from the routers themselves (the
 * surfaces' composed stacks down to each @koa/router's `stack`), so a route or a surface added
 * later (ModelArts) is fuzzed without touching this file. Bodies: malformed JSON, wrong types,
 * huge and deeply nested values, unicode (bidi, zero-width, astral), prototype keys; path
 * parameters: traversal, encoded slashes, prototype names, long and odd values.
 *
 * Holds: no answer is a 5xx; the hub is healthy afterwards; the database has no half-written
 * records (integrity and foreign keys, every workload with its tasks, every task with its
 * workload). Seeded (CORRAL_FUZZ_SEED, @default 1337) and bounded (CASES_PER_ROUTE per write
 * route, at most MAX_REQUESTS and BUDGET_MS): a failure prints the seed and the request.
 */
import assert from "node:assert/strict";
import path from "node:path";
import type Router from "@koa/router";
import Database from "better-sqlite3";
import type { ApiMiddleware } from "../../hub/api/context";
import { SURFACES } from "../../hub/api/surfaces";
import { loadHubConfig } from "../../hub/config";
import { startTestHub, type TestHub } from "../helpers/test-hub";
import { testLogger } from "../helpers/logger";

const SEED = Number(process.env.CORRAL_FUZZ_SEED ?? 1337);
const CASES_PER_ROUTE = 14;
const MAX_REQUESTS = 4_000;
const BUDGET_MS = 50_000;
const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface WriteRoute {
  method: string;
  path: string;
  params: string[];
}

type Layer = { path: string | RegExp; methods: string[]; paramNames: { name: string }[] };

/** Every write route under a surface's middleware: composed stacks, then each router's layers. */
function routesOf(mw: ApiMiddleware, out: WriteRoute[]): void {
  const m = mw as ApiMiddleware & { stack?: readonly ApiMiddleware[]; router?: Router };
  for (const inner of m.stack ?? []) routesOf(inner, out);
  if (!m.router) return;
  for (const layer of m.router.stack as unknown as Layer[]) {
    if (typeof layer.path !== "string") continue;
    const methods = layer.methods.filter((x) => WRITE.has(x));
    // `router.all` answers every method: fuzz it with the write methods clients use.
    for (const method of methods.length > 20 ? ["POST", "PUT", "DELETE"] : methods)
      out.push({ method, path: layer.path, params: layer.paramNames.map((p) => p.name) });
  }
}

const UNICODE = [
  "\u202Eevil",
  "a\u200Bb",
  "\uFEFF",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "名前",
  "\u0000nul",
  "e\u0301",
  "🚀".repeat(50),
];
const PARAMS = [
  "x",
  "1",
  "0",
  "-1",
  "99999999999999999999",
  "__proto__",
  "constructor",
  "..",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e",
  "a%00b",
  "%E2%80%AE",
  "a".repeat(2000),
  "admin",
  "default",
  "admin~job",
  "eyJhbGciOiJIUzI1NiJ9.e30.x",
];
const FIELDS = [
  "name",
  "username",
  "password",
  "newPassword",
  "oldPassword",
  "jobName",
  "image",
  "instances",
  "taskRoles",
  "roles",
  "resources",
  "labels",
  "label",
  "value",
  "data",
  "extension",
  "groupname",
  "grouplist",
  "virtualCluster",
  "status",
  "role",
  "namespace",
  "version",
  "grantType",
  "refreshToken",
  "replicas",
  "nodeSelector",
  "spec",
  "command",
  "env",
  "__proto__",
  "constructor",
];

function nested(depth: number): unknown {
  let v: unknown = "leaf";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** One fuzz body: raw text (sent as is) or a value (sent as JSON), and its content type. */
function body(rand: () => number): { text: string; type: string } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const value = (depth: number): unknown => {
    const r = rand();
    if (depth > 2 || r < 0.15) return pick([null, true, false, 0, -1, 1e308, 3.5, NaN, ""]);
    if (r < 0.3) return pick(UNICODE);
    if (r < 0.4) return "x".repeat(Math.floor(rand() * 70_000));
    if (r < 0.5) return Array.from({ length: Math.floor(rand() * 5) }, () => value(depth + 1));
    if (r < 0.6) return Number.MAX_SAFE_INTEGER * (rand() < 0.5 ? -1 : 1);
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 6); i > 0; i--) o[pick(FIELDS)] = value(depth + 1);
    return o;
  };
  const json = "application/json";
  switch (Math.floor(rand() * 10)) {
    case 0:
      return {
        text: pick(['{"a":', "{'a':1}", "[1,2", "nul", '{"a":1}}', "\u0000", '{"__proto__":']),
        type: json,
      };
    case 1:
      return { text: JSON.stringify(nested(1 + Math.floor(rand() * 3000))), type: json };
    case 2:
      return {
        text: '{"__proto__":{"admin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}},"name":"p"}',
        type: json,
      };
    case 3:
      return { text: JSON.stringify(pick([[], 7, "str", null, true])), type: json };
    case 4:
      return {
        text: `a=1&b[__proto__][x]=1&name=${encodeURIComponent(pick(UNICODE))}`,
        type: "application/x-www-form-urlencoded",
      };
    case 5:
      return { text: `name: ${pick(UNICODE)}\ntaskRoles: [1, {a: *x}]\n`, type: "text/yaml" };
    default:
      return { text: JSON.stringify(value(0)), type: json };
  }
}

/** Fills a route's parameters (`:id`, `*rest`) with fuzz values. */
function fill(route: WriteRoute, rand: () => number): string {
  return route.path.replace(/[:*]([A-Za-z0-9_]+)/g, () => {
    const v = PARAMS[Math.floor(rand() * PARAMS.length)] as string;
    return /%/.test(v) ? v : encodeURIComponent(v);
  });
}

describe("integration: fuzz over every write route of every surface", function () {
  this.timeout(120_000);
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(() => hub?.close());

  it(`answers no 5xx, stays healthy and writes nothing half (seed ${SEED})`, async () => {
    const config = loadHubConfig({ CORRAL_DATA_DIR: hub.dataDir });
    const routes: WriteRoute[] = [];
    for (const make of SURFACES)
      routesOf(make({ core: hub.hub.core, config, logger: testLogger() }).routes, routes);
    assert.ok(routes.length > 50, `found ${routes.length} write routes`);
    const surfacesSeen = new Set(routes.map((r) => r.path.split("/")[1]));
    assert.ok(surfacesSeen.has("api") && surfacesSeen.has("v1"), [...surfacesSeen].join(","));

    const rand = prng(SEED);
    const admin = hub.hub.core.users.get("admin");
    let token = hub.adminToken;
    const failures: string[] = [];
    const started = Date.now();
    let sent = 0;
    outer: for (let c = 0; c < CASES_PER_ROUTE; c++) {
      for (const route of routes) {
        if (sent >= MAX_REQUESTS || Date.now() - started > BUDGET_MS) break outer;
        const url = fill(route, rand);
        const b = body(rand);
        const anonymous = rand() < 0.15;
        const headers: Record<string, string> = { "content-type": b.type };
        if (!anonymous) headers.authorization = `Bearer ${token}`;
        let status: number;
        let text = "";
        try {
          const res = await fetch(`${hub.hub.httpUrl}${url}`, {
            method: route.method,
            headers,
            body: b.text,
          });
          status = res.status;
          text = await res.text();
        } catch (err) {
          status = 599;
          text = String(err);
        }
        sent += 1;
        if (status >= 500)
          failures.push(
            `${status} ${route.method} ${url.slice(0, 200)} body=${b.text.slice(0, 200)} -> ${text.slice(0, 300)}`,
          );
        // A fuzzed password change may end the admin's sessions: carry on with a fresh token.
        if (!anonymous && status === 401)
          token = hub.hub.core.auth.issue(
            hub.hub.core.users.find("admin") ?? admin,
            "login",
            3600,
            Date.now(),
          ).token;
      }
    }
    assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}: ${failures.length} answers were 5xx`);
    assert.ok(sent >= Math.min(MAX_REQUESTS, routes.length * 3), `sent ${sent} requests`);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined, "Object.prototype untouched");
    assert.equal(({} as Record<string, unknown>)["admin"], undefined, "Object.prototype untouched");

    const health = await fetch(`${hub.hub.httpUrl}/healthz`);
    assert.equal(health.status, 200);
    const me = await hub.api("GET", "/api/corral/v1/auth/me", undefined, token);
    assert.equal(me.status, 200, me.text);

    const db = new Database(path.join(hub.dataDir, "corral.db"), { readonly: true });
    try {
      assert.equal(db.pragma("integrity_check", { simple: true }) as string, "ok");
      assert.deepEqual(db.pragma("foreign_key_check"), []);
      const orphanTasks = db
        .prepare("SELECT COUNT(*) AS n FROM tasks WHERE workload_id NOT IN (SELECT id FROM workloads)")
        .get() as { n: number };
      assert.equal(orphanTasks.n, 0, "every task has its workload");
      const empty = db
        .prepare(
          "SELECT COUNT(*) AS n FROM workloads w WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.workload_id = w.id)",
        )
        .get() as { n: number };
      assert.equal(empty.n, 0, "every workload has its tasks");
    } finally {
      db.close();
    }
  });
});
