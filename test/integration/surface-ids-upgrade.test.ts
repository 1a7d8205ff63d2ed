/**
 * A hub upgraded across migration 013 keeps its Run:ai project / department ids and its OTE
 * business ids: the units are written as a pre-013 hub left them (the integer in meta, the
 * counters in the `sequences` table), then a real hub starts over the same data directory and is
 * asked through Run:ai and OTE-stack. New units take the next ids, past those of deleted ones.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QuotaUnit } from "../../hub/core/model";
import { openDatabase } from "../../hub/store/database";
import { MIGRATIONS } from "../../hub/store/migrations/index";
import { quotaUnitRepository } from "../../hub/store/tenancy-repositories";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

const T0 = Date.UTC(2026, 0, 1);
const CLUSTER = "c-default";

/** A quota unit row as the pre-013 hub saved it. */
const unit = (
  id: string,
  name: string,
  kind: QuotaUnit["kind"],
  parentId: string | null,
  meta: Record<string, unknown>,
): QuotaUnit => ({
  id,
  name,
  kind,
  parentId,
  clusterId: kind === "business" ? null : CLUSTER,
  allocations: [],
  defaultNodePools: null,
  ranks: {},
  aliases: [],
  meta,
  createdAt: T0,
  updatedAt: T0,
});
const runai = (intId: number) => ({
  intId,
  description: "",
  requestedNamespace: null,
  enforceRunaiScheduler: true,
  schedulingRules: null,
  nodeTypes: null,
  createdBy: "admin",
  updatedBy: "admin",
});
const business = (oteId: number, status: number) => ({
  oteId,
  status,
  description: "made on OTE",
  owner: "admin",
  comment: "",
});

interface RunaiUnit {
  /** Projects: an integer, as the API document's sample; departments: its decimal string. */
  id: number | string;
  name: string;
  parentId: string | null;
}

describe("integration: surface integer ids across migration 013", function () {
  this.timeout(30_000);
  let dir: string;
  let hub: TestHub;
  let ote: OteClient;
  const P = "/api/v1/org-unit/projects";
  const D = "/api/v1/org-unit/departments";

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-upgrade-"));
    const db = openDatabase(
      path.join(dir, "corral.db"),
      MIGRATIONS.filter((m) => m.version !== 13),
    );
    db.prepare("INSERT INTO clusters (id, name, labels, created_at) VALUES (?, 'default', '[]', ?)").run(
      CLUSTER,
      T0,
    );
    const units = quotaUnitRepository(db);
    units.save(unit("u-research", "research", "department", null, { runai: runai(2) }));
    // A Run:ai project OTE has shown as a business too: both integers on one unit.
    units.save(
      unit("u-vision", "vision", "project", "u-research", {
        runai: runai(5),
        otestack: business(4, 1),
        namespace: "ns4",
      }),
    );
    units.save(unit("u-biz", "Biz_One", "business", null, { otestack: business(3, 1), namespace: "ns3" }));
    // Ids 6 and 7 (Run:ai) and 5 and 6 (OTE) went to units deleted since: never handed out again.
    db.prepare("INSERT OR REPLACE INTO sequences (name, value) VALUES ('runai.org-unit', 7)").run();
    db.prepare("INSERT OR REPLACE INTO sequences (name, value) VALUES ('otestack.business', 6)").run();
    db.close();

    hub = await startTestHub({}, dir);
    ote = new OteClient(hub.hub.httpUrl);
    await ote.login(ADMIN.username, ADMIN.password);
  });
  after(async () => {
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps Run:ai project and department ids, on the new and the deprecated API", async () => {
    const projects = await hub.api<{ projects: RunaiUnit[] }>("GET", P);
    assert.equal(projects.status, 200, projects.text);
    const vision = projects.body.projects.find((p) => p.name === "vision");
    assert.deepEqual([vision?.id, vision?.parentId], [5, "2"]);
    // The OTE business had no Run:ai id: it takes the next one, after those of deleted units
    // (under its alias in Run:ai's grammar).
    assert.equal(projects.body.projects.find((p) => p.name === "biz-one")?.id, 8);
    // OpenPAI's `default` virtual cluster (made when this hub started) is a Run:ai project too.
    assert.deepEqual(
      projects.body.projects.map((p) => [p.id, p.name]),
      [
        [5, "vision"],
        [8, "biz-one"],
        [9, "default"],
      ],
    );
    const one = await hub.api<RunaiUnit>("GET", `${P}/5`);
    assert.deepEqual([one.status, one.body.name], [200, "vision"]);
    const dept = await hub.api<RunaiUnit>("GET", `${D}/2`);
    assert.deepEqual([dept.status, dept.body.name], [200, "research"]);
    assert.equal((await hub.api("GET", `${D}/5`)).status, 404, "a project's id is not a department's");
    const old = await hub.api<{ id: number; name: string; departmentId: number }[]>(
      "GET",
      `/v1/k8s/clusters/${CLUSTER}/projects`,
    );
    assert.deepEqual(
      old.body.filter((p) => p.name === "vision").map((p) => [p.id, p.departmentId]),
      [[5, 2]],
    );
    // The integer lives in the surface-id table only.
    const meta = hub.hub.core.quotaUnits.find("u-vision")?.meta ?? {};
    assert.equal((meta["runai"] as Record<string, unknown>)["intId"], undefined);
    assert.equal((meta["otestack"] as Record<string, unknown>)["oteId"], undefined);
  });

  it("keeps OTE business ids and namespaces", async () => {
    const biz = await ote.call<{ id: number; name: string; namespace: string; status: number }>(
      "GET",
      "/v1/business/id/3",
    );
    assert.equal(biz.status, 200, JSON.stringify(biz.body));
    assert.deepEqual(
      [biz.body.data?.name, biz.body.data?.namespace, biz.body.data?.status],
      ["Biz_One", "ns3", 1],
    );
    const list = await ote.call<{ id: number; name: string; namespace: string }[]>(
      "GET",
      "/v1/business?pageSize=100",
    );
    assert.deepEqual(
      list.body.data
        ?.filter((b) => ["vision", "Biz_One"].includes(b.name))
        .map((b) => [b.id, b.name, b.namespace]),
      // Ascending by id: the document's default order.
      [
        [3, "Biz_One", "ns3"],
        [4, "vision", "ns4"],
      ],
    );
    // OpenPAI's `default` VC takes the next OTE id, past the deleted 5 and 6.
    assert.deepEqual(
      list.body.data?.map((b) => [b.id, b.name, b.namespace]),
      [
        [3, "Biz_One", "ns3"],
        [4, "vision", "ns4"],
        [7, "default", "ns7"],
      ],
    );
  });

  it("gives new units the next ids, past those of deleted units", async () => {
    const p = await hub.api<RunaiUnit>("POST", P, {
      name: "fresh",
      clusterId: CLUSTER,
      parentId: "2",
      resources: [],
    });
    assert.equal(p.status, 201, p.text);
    assert.deepEqual([p.body.id, p.body.parentId], [10, "2"]);
    const d = await hub.api<RunaiUnit>("POST", D, { name: "lab", clusterId: CLUSTER, resources: [] });
    assert.equal(d.status, 201, d.text);
    assert.equal(d.body.id, "11", "projects and departments share one id space");
    const b = await ote.call<{ id: number }>("POST", "/v1/business", { name: "Biz_Two" });
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(b.body.data?.id, 8);
    assert.equal((await ote.call<{ name: string }>("GET", "/v1/business/id/8")).body.data?.name, "Biz_Two");
  });
});
