/**
 * The authorization matrix (issue 13): every route of every surface the hub serves, from the
 * surfaces' own route tables (Surface.routeTable, read from their routers' layer stacks), called
 * over real HTTP on a real hub as each subject, against the outcome written once per route in
 * authorization-matrix.table.ts. A route without a row, or a surface without a route table,
 * fails the test; so does a row whose route no surface serves any more.
 *
 * The matrix tests who gets past each route's authorization, not what the route does: bodies are
 * `{}` and unknown ids are fine (a 400 or 404 after the gate is "allowed"). Owner routes get a
 * fresh object of the owner's in a quota unit for every call, so a refusal there is the route's.
 */
import assert from "node:assert/strict";
import type { User } from "../../hub/core/model";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";
import { type AccessClass, EXPECTED } from "./authorization-matrix.table";

const PASSWORD = "Matrix1234";

/** Who calls. `unitAdmin` administers the quota unit the owner's objects are in (OTE role 2 there). */
const SUBJECTS = [
  "anonymous",
  "ordinary",
  "unitAdmin",
  "ote1",
  "ote2",
  "ote3",
  "ote4",
  "admin",
  "owner",
] as const;
type Subject = (typeof SUBJECTS)[number];

/** Subjects let through, per access class (the rest are refused). */
const ALLOWED: Record<AccessClass, readonly Subject[]> = {
  public: SUBJECTS,
  login: SUBJECTS.filter((s) => s !== "anonymous"),
  self: SUBJECTS.filter((s) => s !== "anonymous"),
  owner: ["owner", "unitAdmin", "ote3", "ote4", "admin"],
  admin: ["ote4", "admin"],
  "ote-admin": ["unitAdmin", "ote2", "ote3", "ote4", "admin"],
  "ote-super": ["ote3", "ote4", "admin"],
};

/**
 * Valid bodies (or queries) for routes that check their input before they look at the object,
 * so the object's gate is what answers: `{}` would be refused as bad input first.
 */
const PROBES: Readonly<Record<string, { body?: unknown; query?: string }>> = {
  "native PUT /api/corral/v1/workloads/:id/lease": { body: { durationSec: 3600 } },
  "native POST /api/corral/v1/workloads/:id/lease/prolong": { body: { bySec: 60 } },
  "native GET /api/corral/v1/workloads/:id/tasks/:index/exec": { query: "?command=sh" },
  "openpai PUT /api/v2/jobs/:fw/executionType": { body: { value: "STOP" } },
  "openpai PUT /api/v2/jobs/:fw/tag": { body: { value: "t" } },
  "openpai DELETE /api/v2/jobs/:fw/tag": { body: { value: "t" } },
  "openpai PUT /api/v1/user/:user/jobs/:name/executionType": { body: { value: "STOP" } },
  "runai POST /api/v1/token": { body: { grantType: "password" } },
};

/**
 * Owner routes whose own answer, past the gate, may be "not found": a task that is not running
 * (logs, tunnels), a tag the job does not have. Elsewhere an owner route's 404 means "hidden".
 */
const NOT_FOUND_AFTER_GATE = /\/logs(\/all)?$|\/exec$|\/port-forward\/|\/ports\/|\/tag$/;

interface Route {
  surface: string;
  method: string;
  path: string;
}

describe("integration: authorization matrix over every route of every surface", function () {
  this.timeout(120_000);
  let hub: TestHub;
  let routes: Route[];
  const users = new Map<Subject, User>();
  let unitId: string;
  let seq = 0;

  const core = () => hub.hub.core;
  /** A fresh login token per call: routes that log out or refresh revoke the one they get. */
  const tokenOf = (s: Subject): string | null => {
    const u = users.get(s);
    // A password login just made (authAt now): minting application tokens needs one.
    return u
      ? core().auth.issue(core().users.get(u.username), "login", 3600, core().clock.now()).token
      : null;
  };

  const oteProfile = (role: number, namespaces: string[]) => ({
    otestack: { role, phone: "", realName: "", namespaces, wantsAdmin: false, comment: "" },
  });
  /** An OpenPAI-made user (default group and VC), with an OTE profile when given. */
  const makeUser = async (name: string, admin: boolean, extension?: Record<string, unknown>) => {
    const res = await hub.api("POST", "/api/v2/users", { username: name, password: PASSWORD, admin });
    assert.equal(res.status, 201, res.text);
    const u = core().users.get(name);
    return extension ? core().users.save({ ...u, extension: { ...u.extension, ...extension } }) : u;
  };

  before(async () => {
    hub = await startTestHub({
      CORRAL_OPENPAI_LIST_RATE_PER_MIN: "1000000",
      CORRAL_OPENPAI_SUBMIT_RATE_PER_HOUR: "1000000",
    });
    routes = hub.hub.surfaces.flatMap((s) => {
      assert.ok(s.routeTable, `surface ${s.name} has no routeTable: list its routes (routesOf(router))`);
      return s.routeTable.map((r) => ({ surface: s.name, ...r }));
    });
    unitId = core().quotaUnits.create({ name: "matrixbiz", kind: "business" }).id;
    const other = core().quotaUnits.create({ name: "otherbiz", kind: "business" }).id;
    // The OTE namespaces of the two businesses (presented, and so named, by the OTE surface).
    const list = await hub.api<{ data: { name: string; namespace: string }[] }>("GET", "/v1/business");
    const ns = (name: string) => list.body.data.find((b) => b.name === name)?.namespace as string;
    assert.ok(ns("matrixbiz") && ns("otherbiz") && other, list.text);
    const vc = await hub.api("PUT", "/api/v1/virtual-clusters/matrixvc", { vcCapacity: 10 });
    assert.equal(vc.status, 201, vc.text);
    users.set("admin", core().users.get(ADMIN.username));
    users.set("ordinary", await makeUser("m-ordinary", false));
    users.set("owner", await makeUser("m-owner", false, oteProfile(1, [ns("matrixbiz")])));
    users.set("unitAdmin", await makeUser("m-unitadmin", false, oteProfile(2, [ns("matrixbiz")])));
    users.set("ote1", await makeUser("m-ote1", false, oteProfile(1, [ns("otherbiz")])));
    users.set("ote2", await makeUser("m-ote2", false, oteProfile(2, [ns("otherbiz")])));
    users.set("ote3", await makeUser("m-ote3", false, oteProfile(3, [])));
    users.set("ote4", await makeUser("m-ote4", true));
  });
  after(() => hub.close());

  it("has an expected outcome for every route, and a route for every expectation", () => {
    const keys = new Set(routes.map((r) => `${r.surface} ${r.method} ${r.path}`));
    const missing = [...keys].filter((k) => !(k in EXPECTED));
    assert.deepEqual(missing, [], "routes without an expected outcome in authorization-matrix.table.ts");
    const stale = Object.keys(EXPECTED).filter((k) => !keys.has(k));
    assert.deepEqual(stale, [], "expectations for routes no surface serves");
  });

  /** An object of the owner's in the unit, made for one call: a native workload and an OpenPAI job. */
  const fixture = async () => {
    seq += 1;
    const name = `own-${seq}`;
    const owner = users.get("owner") as User;
    const role = {
      name: "main",
      image: "busybox",
      command: [],
      env: {},
      instances: 1,
      resources: { cpuMilli: 0, memoryMiB: 0, gpu: 0 },
      ports: [],
      maxAttempts: 1,
    };
    const native = core().workloads.submit({
      name: `n-${name}`,
      owner: owner.username,
      quotaUnitId: unitId,
      roles: [role],
    });
    const job = await hub.api(
      "POST",
      "/api/v1/jobs",
      {
        jobName: name,
        image: "busybox",
        virtualCluster: "matrixbiz",
        taskRoles: [
          { name: "main", taskNumber: 1, cpuNumber: 1, memoryMB: 128, gpuNumber: 0, command: "true" },
        ],
      },
      tokenOf("owner"),
    );
    assert.equal(job.status, 202, job.text);
    return { workloadId: native.workload.id, job: name };
  };

  /** The route's path with its parameters filled for `subject`. */
  const pathFor = (r: Route, subject: Subject, obj: { workloadId: string; job: string } | null): string => {
    const owner = (users.get("owner") as User).username;
    const self = users.get(subject)?.username ?? "nobody";
    const isSelf = EXPECTED[`${r.surface} ${r.method} ${r.path}`] === "self";
    const values: Record<string, string> = {
      id: r.surface === "native" && obj ? obj.workloadId : "999999",
      index: "0",
      port: "8080",
      fw: obj ? `${owner}~${obj.job}` : "nobody~nojob",
      user: isSelf ? self : r.surface === "openpai" && obj ? owner : "nobody",
      name: obj ? obj.job : isSelf ? `new-${(seq += 1)}` : "nobody",
      attempt: "0",
      taskAttempt: "0",
      role: "main",
      username: isSelf ? self : "nobody",
      // An OpenPAI VC, not `default`: OpenPAI refuses writes to that one (and to other surfaces'
      // units) by name, before authentication, as upstream.
      vc: "matrixvc",
      // The caller's own token (revoking someone else's is refused whoever asks).
      token: tokenOf(subject) ?? "none",
      // ModelArts paths carry the hub's one IAM project.
      project_id: core().installation.id,
    };
    return r.path
      .replace(/\(\.\*\)|\*\w+/g, "x")
      .replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(values[p] ?? "nobody"));
  };

  it("lets through exactly the subjects each route's access class names", async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const key = `${r.surface} ${r.method} ${r.path}`;
      const access = EXPECTED[key];
      if (!access) continue;
      for (const subject of SUBJECTS) {
        const obj =
          access === "owner" || (/:fw|:user\/jobs\/:name/.test(r.path) && access !== "self")
            ? await fixture()
            : null;
        const probe = PROBES[key];
        const url = pathFor(r, subject, obj) + (probe?.query ?? "");
        const method = r.method === "ALL" ? "GET" : r.method;
        const body = method === "GET" ? undefined : (probe?.body ?? {});
        const res = await hub.api(method, url, body, tokenOf(subject));
        const hidden = access === "owner" && !NOT_FOUND_AFTER_GATE.test(r.path) && res.status === 404;
        const refused = res.status === 401 || res.status === 403 || hidden;
        const allowed = ALLOWED[access].includes(subject);
        if (allowed === refused)
          wrong.push(`${key} as ${subject} (${access}): ${res.status} ${res.text.slice(0, 120)}`);
        else if (!allowed && subject === "anonymous" && res.status !== 401)
          wrong.push(`${key} as anonymous: ${res.status}, not 401`);
      }
    }
    assert.equal(wrong.length, 0, `${wrong.length} unexpected outcomes:\n${wrong.join("\n")}`);
  });
});
