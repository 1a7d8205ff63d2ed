/**
 * GET /api/v2/jobs pages (`offset`, `limit`): a plain page of the default order is read newest
 * first and only its jobs are presented; every other query presents all jobs, then filters, sorts
 * and slices. Both must answer the same items, tasks included.
 */
import assert from "node:assert/strict";
import { startTestHub, type TestHub } from "../helpers/test-hub";

interface Item {
  debugId: string;
  name: string;
  state: string;
  subState: string;
  waitingReason: string | null;
  submissionTime: number;
}

describe("integration: OpenPAI job list pages", function () {
  this.timeout(60_000);
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub({ CORRAL_OPENPAI_LIST_RATE_PER_MIN: "0", CORRAL_SUBMIT_RATE_PER_MIN: "0" });
    for (let i = 0; i < 9; i++) {
      const r = await hub.api("POST", "/api/v2/jobs", {
        protocolVersion: 2,
        name: `page-${i}`,
        type: "job",
        prerequisites: [{ type: "dockerimage", name: "img", uri: "corral-test/busybox:1" }],
        taskRoles: {
          main: {
            instances: 1 + (i % 3),
            dockerImage: "img",
            resourcePerInstance: { cpu: 1, memoryMB: 256, gpu: 0 },
            commands: ["sleep 60"],
          },
        },
      });
      assert.equal(r.status, 202, r.text);
    }
    // Another surface's workloads are in the admin's list too.
    for (let i = 0; i < 3; i++) {
      const r = await hub.api("POST", "/api/corral/v1/workloads", { name: `native-${i}`, image: "busybox" });
      assert.equal(r.status, 201, r.text);
    }
    hub.hub.scheduleNow();
  });
  after(() => hub.close());

  const list = async (query: string) => {
    const r = await hub.api<Item[] | { totalCount: number; data: Item[] }>("GET", `/api/v2/jobs?${query}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  it("answers each page of the default order as the full sort does", async () => {
    const all = (await list("withTotalCount=true&limit=1000")) as { totalCount: number; data: Item[] };
    assert.equal(all.totalCount, 12);
    for (const [offset, limit] of [
      [0, 5],
      [5, 5],
      [10, 5],
      [3, 0],
      [11, 100],
      [20, 5],
    ] as const) {
      for (const order of ["", "&order=submissionTime,DESC", "&order=createdTime,desc"]) {
        const page = (await list(`offset=${offset}&limit=${limit}${order}`)) as Item[];
        assert.deepEqual(
          page,
          all.data.slice(offset, offset + limit),
          `offset ${offset} limit ${limit}${order}`,
        );
      }
    }
    // Newest first.
    const times = all.data.map((j) => j.submissionTime);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it("applies the filters on the page path as on the full one", async () => {
    for (const filter of [
      "username=admin",
      "keyword=page-1",
      "state=WAITING",
      "vc=default",
      "username=nobody",
    ]) {
      const page = await list(`${filter}&offset=1&limit=3`);
      const all = (await list(`${filter}&withTotalCount=true&limit=1000`)) as { data: Item[] };
      assert.deepEqual(page, all.data.slice(1, 4), filter);
    }
  });
});
