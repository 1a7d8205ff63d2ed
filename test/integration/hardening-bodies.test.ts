/**
 * Request bodies are bounded on every surface, and the bound is decided from the token BEFORE a
 * byte is read: anonymous callers get 64 KiB (enough for a login), authenticated ones 4 MiB, and a
 * multipart upload 16 MiB. Over-large bodies are 413 (never 500) and uploads leave no temp files.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { BODY_LIMITS } from "../../hub/api/middleware/body-limit";
import { startTestHub, type TestHub } from "../helpers/test-hub";

interface Raw {
  status: number;
  text: string;
}

/**
 * Sends headers announcing `announced` bytes, then only `send` bytes, and reads the answer: the
 * hub must answer from the headers alone (it never waits for the 300 MB).
 */
function announce(
  url: string,
  method: string,
  headers: Record<string, string>,
  send: Buffer,
  announced?: number,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      headers: announced === undefined ? headers : { ...headers, "content-length": String(announced) },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        req.destroy();
      });
    });
    req.on("error", (err) => {
      // The hub may close the socket after answering; an answer already read counts.
      if (!req.destroyed) reject(err);
    });
    req.write(send);
    if (announced === undefined) req.end();
  });
}

describe("integration: bounded request bodies, authentication before the body is read", function () {
  this.timeout(30_000);
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(() => hub.close());

  const json = { "content-type": "application/json" };
  const huge = 300 * 1024 * 1024;

  for (const [method, route] of [
    ["DELETE", "/api/v2/groups/default"],
    ["POST", "/api/v1/jobs"],
    ["POST", "/api/v2/jobs"],
    ["POST", "/api/corral/v1/workloads"],
    ["POST", "/v1/k8s/clusters/c/projects"],
    ["POST", "/api/v1/org-unit/projects"],
    ["POST", "/v1/business"],
    ["POST", "/api/v1/token"],
  ] as const) {
    it(`${method} ${route}: an anonymous 300 MB body is refused from its headers (413)`, async () => {
      const started = Date.now();
      const got = await announce(`${hub.hub.httpUrl}${route}`, method, json, Buffer.from("{"), huge);
      assert.equal(got.status, 413, got.text);
      assert.ok(Date.now() - started < 5_000, "answered without reading the body");
    });
  }

  it("refuses an anonymous chunked body past 64 KiB while reading it", async () => {
    const body = Buffer.from(
      JSON.stringify({ username: "x".repeat(BODY_LIMITS.anonymousBytes), password: "y" }),
    );
    const got = await announce(
      `${hub.hub.httpUrl}/api/corral/v1/auth/login`,
      "POST",
      { ...json, "transfer-encoding": "chunked" },
      body,
    );
    assert.equal(got.status, 413, got.text);
  });

  it("refuses an anonymous OpenPAI v1 body past 64 KiB (the form reader is bounded too)", async () => {
    const body = Buffer.from(JSON.stringify({ jobName: "x".repeat(BODY_LIMITS.anonymousBytes) }));
    const got = await announce(`${hub.hub.httpUrl}/api/v1/jobs`, "POST", json, body);
    assert.equal(got.status, 413, got.text);
  });

  it("a forged or revoked token counts as anonymous; a valid one may send more", async () => {
    const body = Buffer.from(JSON.stringify({ name: "w", pad: "x".repeat(100 * 1024) }));
    const url = `${hub.hub.httpUrl}/api/corral/v1/workloads`;
    const forged = await announce(url, "POST", { ...json, authorization: "Bearer not.a.token" }, body);
    assert.equal(forged.status, 413, forged.text);
    const valid = await announce(url, "POST", { ...json, authorization: `Bearer ${hub.adminToken}` }, body);
    assert.notEqual(valid.status, 413, valid.text);
    assert.ok(valid.status < 500, valid.text);
    const over = Buffer.from(JSON.stringify({ pad: "x".repeat(BODY_LIMITS.authenticatedBytes) }));
    const tooBig = await announce(url, "POST", { ...json, authorization: `Bearer ${hub.adminToken}` }, over);
    assert.equal(tooBig.status, 413, tooBig.text);
  });

  describe("multipart chart uploads (OTE-stack)", () => {
    let tmp: string;
    let savedTmp: string | undefined;
    beforeEach(() => {
      // A private TMPDIR: the hub's upload folders are counted here, apart from other processes'.
      savedTmp = process.env.TMPDIR;
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "corral-tmp-"));
      process.env.TMPDIR = tmp;
    });
    afterEach(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    const upload = (fields: Record<string, string>, size: number) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set("chart", new Blob([Buffer.alloc(size, 1)]), "c-0.1.0.tgz");
      return fetch(`${hub.hub.httpUrl}/v1/app/chart`, {
        method: "POST",
        headers: { authorization: hub.adminToken },
        body: form,
      });
    };

    it("a refused upload (bad fields) leaves no temp file", async () => {
      const res = await upload({ name: "c", version: "not-a-version" }, 1024);
      assert.equal(res.status, 422, await res.text());
      assert.deepEqual(fs.readdirSync(tmp), []);
    });

    it("an over-large upload is a 413, not a 500, and leaves no temp file", async () => {
      const res = await upload({ name: "c", version: "0.1.0" }, BODY_LIMITS.uploadBytes + 1024);
      assert.equal(res.status, 413, await res.text());
      assert.deepEqual(fs.readdirSync(tmp), []);
    });

    it("an upload refused after the file was read (no namespace of the caller's) leaves no temp file", async () => {
      const res = await upload({ name: "c", version: "0.1.0" }, 1024);
      const text = await res.text();
      assert.equal(res.status, 422, text);
      assert.match(text, /namespace/);
      assert.deepEqual(fs.readdirSync(tmp), []);
    });

    it("an anonymous upload is refused before it is read", async () => {
      const got = await announce(
        `${hub.hub.httpUrl}/v1/app/chart`,
        "POST",
        { "content-type": "multipart/form-data; boundary=x" },
        Buffer.from("--x"),
        huge,
      );
      assert.ok(got.status === 413 || got.status === 401, got.text);
    });
  });
});
