import assert from "node:assert/strict";
import http from "node:http";
import zlib from "node:zlib";
import type { Core } from "../../hub/core";
import type { GpuDevice } from "../../hub/core/model";
import { startTestHub, type TestHub } from "../helpers/test-hub";

const V1 = "/api/corral/v1";

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent (gzip not undone). */
  bytes: Buffer;
}

/** A GET over plain node:http: nothing decompressed or added behind the test's back. */
function get(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** What the bytes say once any Content-Encoding is undone. */
const decoded = (r: Raw): Buffer =>
  r.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(r.bytes) : r.bytes;

const gpus = (n: number): GpuDevice[] =>
  Array.from({ length: 8 }, (_, i) => ({
    uuid: `GPU-${n}-${i}`,
    index: i,
    name: "NVIDIA Test 80GB",
    memoryMiB: 81920,
    pciBusId: `00000000:0${i}:00.0`,
    computeCap: "9.0",
    migEnabled: false,
    parentUuid: null,
    migProfile: null,
    migIndex: null,
  }));

/** A ready node with 8 GPUs (~3 KiB of JSON, so a hundred make a list past the 128 KiB gzip threshold). */
function readyNode(core: Core, cluster: string, name: string, n: number, labels: string[] = []): void {
  const { node } = core.nodes.join(cluster, name);
  core.nodes.hello(node.id, {
    agentVersion: "0.1.0",
    address: "10.0.0.1",
    labels,
    hardware: {
      cpu: { manufacturer: "T", brand: "T", cores: 32, physicalCores: 16, speedGhz: 3 },
      memory: { totalMiB: 262144 },
      disks: [],
      nics: [],
      os: { platform: "linux", distro: "D", release: "1", kernel: "6", arch: "x64", hostname: name },
      gpuAvailable: true,
      gpuError: null,
      driverVersion: "550",
      cudaVersion: "12.4",
      gpus: gpus(n),
    },
    runtime: { name: "docker", available: true, error: null, version: "27" },
  });
  core.nodes.setStatus(node.id, "ready");
}

describe("integration: node list and node answers as cached bytes (gzip, ETag, 304)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let auth: Record<string, string>;
  const url = (path: string) => `${hub.hub.httpUrl}${V1}${path}`;

  before(async () => {
    hub = await startTestHub();
    auth = { authorization: `Bearer ${hub.adminToken}` };
    for (let i = 0; i < 120; i++) readyNode(hub.hub.core, "default", `big-${String(i).padStart(3, "0")}`, i);
    for (let i = 0; i < 3; i++) readyNode(hub.hub.core, "east", `east-${i}`, 1000 + i);
  });
  after(() => hub.close());

  it("gzips the list for a client that asks, and the gzip inflates to exactly the identity body", async () => {
    const plain = await get(url("/nodes"), auth);
    assert.equal(plain.status, 200);
    assert.ok(plain.bytes.length > 128 * 1024, `the list is past the gzip threshold: ${plain.bytes.length}`);
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.equal(Number(plain.headers["content-length"]), plain.bytes.length);
    assert.match(String(plain.headers.vary), /accept-encoding/i);
    assert.match(String(plain.headers["content-type"]), /^application\/json/);

    const zipped = await get(url("/nodes"), { ...auth, "accept-encoding": "gzip, deflate, br" });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.equal(Number(zipped.headers["content-length"]), zipped.bytes.length);
    assert.match(String(zipped.headers.vary), /accept-encoding/i);
    assert.ok(zipped.bytes.length * 5 < plain.bytes.length, "compressed");
    assert.deepEqual(zlib.gunzipSync(zipped.bytes), plain.bytes);
    assert.notEqual(zipped.headers.etag, plain.headers.etag, "each encoding its own strong ETag");
    // What fetch() (undici) sees through its own decompression is the same list.
    const viaFetch = await hub.api<{ items: { name: string }[] }>("GET", `${V1}/nodes`);
    assert.equal(viaFetch.text, plain.bytes.toString("utf8"));
  });

  it("honours Accept-Encoding's q-values, identity and *", async () => {
    const cases: [string, "gzip" | undefined][] = [
      ["gzip;q=0", undefined],
      ["br", undefined],
      ["identity;q=0, gzip", "gzip"],
      ["gzip;q=0.5, identity", undefined],
      ["identity;q=0.1, gzip;q=0.9", "gzip"],
      ["*", "gzip"],
      ["*;q=0, identity", undefined],
      ["GZIP", "gzip"],
    ];
    for (const [accept, want] of cases) {
      const r = await get(url("/nodes"), { ...auth, "accept-encoding": accept });
      assert.equal(r.status, 200, accept);
      assert.equal(r.headers["content-encoding"], want, `Accept-Encoding: ${accept}`);
    }
  });

  it("answers 304 to If-None-Match with the list's ETag, per encoding, and the body to another tag", async () => {
    for (const headers of [auth, { ...auth, "accept-encoding": "gzip" }]) {
      const first = await get(url("/nodes"), headers);
      const etag = String(first.headers.etag);
      assert.match(etag, /^"[^"]+"$/, "a strong ETag");
      const again = await get(url("/nodes"), { ...headers, "if-none-match": etag });
      assert.equal(again.status, 304);
      assert.equal(again.bytes.length, 0);
      assert.equal(again.headers.etag, etag);
      const weak = await get(url("/nodes"), { ...headers, "if-none-match": `"other", W/${etag}` });
      assert.equal(weak.status, 304, "If-None-Match compares weakly");
      const other = await get(url("/nodes"), { ...headers, "if-none-match": '"not-this-one"' });
      assert.equal(other.status, 200);
      assert.deepEqual(other.bytes, first.bytes);
    }
    // The gzip representation's tag does not revalidate the identity one.
    const zipped = await get(url("/nodes"), { ...auth, "accept-encoding": "gzip" });
    const cross = await get(url("/nodes"), { ...auth, "if-none-match": String(zipped.headers.etag) });
    assert.equal(cross.status, 200);
  });

  it("answers a node with its ETag and 304, and a change of the node changes both", async () => {
    const first = await get(url("/nodes/east-0?cluster=east"), auth);
    assert.equal(first.status, 200);
    const etag = String(first.headers.etag);
    const not = await get(url("/nodes/east-0?cluster=east"), { ...auth, "if-none-match": etag });
    assert.equal(not.status, 304);
    const labelled = await hub.api("POST", `${V1}/nodes/east-0/labels?cluster=east`, { label: "tier=one" });
    assert.equal(labelled.status, 200, labelled.text);
    const after = await get(url("/nodes/east-0?cluster=east"), { ...auth, "if-none-match": etag });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.etag, etag);
    assert.deepEqual((JSON.parse(after.bytes.toString()) as { labels: string[] }).labels, ["tier=one"]);
  });

  it("a label added, a heartbeat, a join or a placement changes the list's body and ETag at once", async () => {
    const core = hub.hub.core;
    const zip = { ...auth, "accept-encoding": "gzip" };
    type List = {
      items: { name: string; labels: string[]; lastSeenAt: string; allocated: { cpuMilli: number } }[];
    };
    const read = async (headers: Record<string, string>) => {
      const r = await get(url("/nodes"), headers);
      assert.equal(r.status, 200);
      return { etag: String(r.headers.etag), list: JSON.parse(decoded(r).toString()) as List, raw: r };
    };
    const changes: [string, () => void | Promise<void>, (l: List) => boolean][] = [
      [
        "a label added",
        async () => {
          const r = await hub.api("POST", `${V1}/nodes/big-007/labels`, { label: "zone=b" });
          assert.equal(r.status, 200, r.text);
        },
        (l) => l.items.find((n) => n.name === "big-007")?.labels.includes("zone=b") === true,
      ],
      [
        "a heartbeat (in place)",
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          core.nodes.touch(core.nodes.get("big-050").id);
        },
        (l) =>
          l.items.find((n) => n.name === "big-050")?.lastSeenAt ===
          new Date(core.nodes.get("big-050").lastSeenAt ?? 0).toISOString(),
      ],
      [
        "a node joins",
        () => readyNode(core, "default", "big-500", 500, ["pin=here"]),
        (l) => l.items.some((n) => n.name === "big-500"),
      ],
      [
        "a placement (the node itself unchanged)",
        async () => {
          const r = await hub.api("POST", `${V1}/workloads`, {
            name: "pin",
            image: "busybox",
            instances: 1,
            resources: { cpuMilli: 700, memoryMiB: 64, gpu: 0 },
            nodeSelector: ["pin=here"],
          });
          assert.equal(r.status, 201, r.text);
          hub.hub.scheduleNow(); // placed now, or already by the hub's own pass
          assert.equal(core.nodes.allocationOf(core.nodes.get("big-500").id).cpuMilli, 700);
        },
        (l) => l.items.find((n) => n.name === "big-500")?.allocated.cpuMilli === 700,
      ],
    ];
    for (const [what, change, shows] of changes) {
      const before = { plain: await read(auth), zipped: await read(zip) };
      assert.equal(before.zipped.raw.headers["content-encoding"], "gzip");
      await change();
      for (const [enc, headers] of [
        ["identity", auth],
        ["gzip", zip],
      ] as const) {
        const was = enc === "gzip" ? before.zipped : before.plain;
        const revalidated = await get(url("/nodes"), { ...headers, "if-none-match": was.etag });
        assert.equal(revalidated.status, 200, `${what}: the old ${enc} ETag no longer matches`);
        const now = await read(headers);
        assert.notEqual(now.etag, was.etag, `${what}: a new ${enc} ETag`);
        assert.ok(shows(now.list), `${what}: the ${enc} body shows it`);
        assert.ok(!shows(was.list), `${what}: the body before did not`);
      }
      // Both encodings carry the same list.
      const [p, z] = [await get(url("/nodes"), auth), await get(url("/nodes"), zip)];
      assert.deepEqual(zlib.gunzipSync(z.bytes), p.bytes, what);
    }
  });

  it("keeps filters and pages right: a cluster's list, and pages that add up to the whole list", async () => {
    const zip = { ...auth, "accept-encoding": "gzip" };
    const all = JSON.parse(decoded(await get(url("/nodes"), zip)).toString()) as {
      items: { name: string; cluster: string }[];
    };
    const east = await get(url("/nodes?cluster=east"), zip);
    assert.equal(east.headers["content-encoding"], undefined, "a small list is sent as it is");
    const eastList = JSON.parse(east.bytes.toString()) as { items: { name: string; cluster: string }[] };
    assert.deepEqual(
      eastList.items.map((n) => n.name),
      all.items.filter((n) => n.cluster === "east").map((n) => n.name),
    );
    const walked: string[] = [];
    let token: string | undefined;
    for (;;) {
      const r = await get(
        url(`/nodes?limit=50${token ? `&continue=${encodeURIComponent(token)}` : ""}`),
        zip,
      );
      assert.equal(r.status, 200);
      const page = JSON.parse(decoded(r).toString()) as {
        items: { name: string; cluster: string }[];
        continue?: string;
      };
      walked.push(...page.items.map((n) => `${n.name}/${n.cluster}`));
      // A page asked for again (cached) is the same page, tag and all.
      const again = await get(
        url(`/nodes?limit=50${token ? `&continue=${encodeURIComponent(token)}` : ""}`),
        zip,
      );
      assert.deepEqual(decoded(again), decoded(r));
      assert.equal(again.headers.etag, r.headers.etag);
      token = page.continue;
      if (!token) break;
    }
    assert.deepEqual(
      walked,
      all.items.map((n) => `${n.name}/${n.cluster}`),
    );
    // A filter's cached body is not another filter's.
    const eastAgain = await get(url("/nodes?cluster=east"), zip);
    assert.notEqual(eastAgain.headers.etag, (await get(url("/nodes"), zip)).headers.etag);
  });

  it("while heartbeats change nodes, each gzip answer inflates to the identity answer and shows the beat", async () => {
    const core = hub.hub.core;
    const zip = { ...auth, "accept-encoding": "gzip" };
    type List = { items: { name: string; lastSeenAt: string; metrics: { cpuPercent: number } | null }[] };
    const names = () => core.nodes.list().map((n) => n.name);
    for (let round = 0; round < 12; round++) {
      // The first, the last and one in the middle of the list beat; one round a node joins first.
      const all = names();
      const beating = [
        all[0],
        all[Math.floor(all.length / 2)],
        all[all.length - 1],
        all[(round * 7) % all.length],
      ];
      if (round === 5) readyNode(core, "default", "aaa-first", 900);
      await new Promise((resolve) => setTimeout(resolve, 2)); // a new lastSeenAt
      for (const name of beating) {
        const id = core.nodes.get(String(name)).id;
        core.nodes.touch(id);
        core.nodes.recordMetrics(id, {
          cpuPercent: round,
          memoryUsedMiB: 1,
          load1: 0,
          gpus: [],
          sampledAt: Date.now(),
        });
      }
      const zipped = await get(url("/nodes"), zip);
      const plain = await get(url("/nodes"), auth);
      assert.equal(zipped.headers["content-encoding"], "gzip");
      assert.equal(Number(zipped.headers["content-length"]), zipped.bytes.length);
      assert.deepEqual(zlib.gunzipSync(zipped.bytes), plain.bytes, `round ${round}`);
      const list = JSON.parse(plain.bytes.toString()) as List;
      assert.deepEqual(
        list.items.map((n) => n.name),
        names(),
      );
      for (const name of beating) {
        const shown = list.items.find((n) => n.name === name);
        const node = core.nodes.get(String(name));
        assert.equal(
          shown?.lastSeenAt,
          new Date(node.lastSeenAt ?? 0).toISOString(),
          `round ${round}: ${name}`,
        );
        assert.equal(shown?.metrics?.cpuPercent, round, `round ${round}: ${name}`);
      }
    }
  });
});
