import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestHub, type TestHub } from "../helpers/test-hub";

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

async function get(hub: TestHub, p: string, accept = HTML, method = "GET") {
  const res = await fetch(`${hub.hub.httpUrl}${p}`, { method, headers: { accept } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe("integration: the hub serves the web console at / without shadowing any API", () => {
  let hub: TestHub;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-console-"));
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Corral</title><div id=root></div>");
    fs.writeFileSync(path.join(dir, "assets", "index-AbC123.js"), "console.log('app')");
    fs.writeFileSync(path.join(dir, "robots.txt"), "User-agent: *\n");
    hub = await startTestHub({}, undefined, { consoleDir: dir });
  });
  after(async () => {
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers / and any page path asked for as HTML with index.html, revalidated each time", async () => {
    for (const p of ["/", "/nodes", "/nodes/gpu-01", "/workloads/3f1c/tasks", "/sign-in"]) {
      const res = await get(hub, p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      assert.match(res.text, /<title>Corral<\/title>/);
      assert.equal(res.headers.get("cache-control"), "no-cache");
      assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    }
  });

  it("serves hashed assets for a year and other files revalidated", async () => {
    const js = await get(hub, "/assets/index-AbC123.js", "*/*");
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(js.text, "console.log('app')");
    const head = await get(hub, "/assets/index-AbC123.js", "*/*", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    const robots = await get(hub, "/robots.txt", "*/*");
    assert.equal(robots.headers.get("cache-control"), "no-cache");
  });

  it("never falls back for a missing asset, a non-HTML request, a write or a path outside the build", async () => {
    assert.equal((await get(hub, "/assets/gone-123.js")).status, 404);
    assert.equal((await get(hub, "/nodes", "application/json")).status, 404);
    const post = await fetch(`${hub.hub.httpUrl}/nodes`, { method: "POST", headers: { accept: HTML } });
    assert.equal(post.status, 404);
    assert.equal((await get(hub, "/..%2f..%2fetc%2fpasswd", "*/*")).status, 404);
  });

  it("leaves every surface's paths to that surface, even when a browser asks for HTML", async () => {
    const native = await get(hub, "/api/corral/v1/no-such-route");
    assert.equal(native.status, 404);
    assert.equal(JSON.parse(native.text).code, "not_found");
    const me = await get(hub, "/api/corral/v1/auth/me");
    assert.equal(me.status, 401, "native auth, not the console");
    const openpai = await get(hub, "/api/v2/jobs");
    assert.doesNotMatch(openpai.text, /<title>Corral/);
    const ote = await get(hub, "/v1/cluster");
    assert.doesNotMatch(ote.text, /<title>Corral/);
    const runai = await get(hub, "/v1/k8s/clusters");
    assert.doesNotMatch(runai.text, /<title>Corral/);
    const health = await get(hub, "/healthz");
    assert.equal(JSON.parse(health.text).status, "ok");
  });
});
