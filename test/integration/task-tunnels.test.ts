import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import type { RunningAgent } from "../../agent/agent";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const V1 = "/api/corral/v1";
const MiB = 1024 * 1024;

/**
 * The local HTTP server standing in for a task's container: FakeRuntime gives every container the
 * address 127.0.0.1, so a tunnel to port P reaches this server when it listens on P.
 */
function containerServer(): Promise<{ server: http.Server; port: number; offered: { bytes: number } }> {
  const offered = { bytes: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/echo") {
      res.setHeader("content-type", "application/json");
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    } else if (url.pathname === "/conn") {
      // Which connection the request came on (the hub keeps tunnelled connections alive).
      res.end(String(req.socket.remotePort));
    } else if (url.pathname === "/upload") {
      let n = 0;
      const hash = crypto.createHash("sha256");
      req.on("data", (d: Buffer) => {
        n += d.length;
        hash.update(d);
      });
      req.on("end", () => res.end(JSON.stringify({ bytes: n, sha256: hash.digest("hex") })));
    } else if (url.pathname === "/download") {
      // As fast as the socket takes it, counting what it took: backpressure keeps this bounded.
      const total = Number(url.searchParams.get("mib")) * MiB;
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      res.writeHead(200, { "content-length": String(total) });
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          offered.bytes = sent;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    } else if (url.pathname === "/sse") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write("data: first\n\n");
      const t = setTimeout(() => res.end("data: second\n\n"), 300);
      res.on("close", () => clearTimeout(t));
    } else if (url.pathname === "/slow") {
      res.writeHead(200);
      res.write("started\n");
      const t = setInterval(() => res.write("tick\n"), 20);
      res.on("close", () => clearInterval(t));
    } else {
      res.statusCode = 404;
      res.end("no such path in the container");
    }
  });
  // A raw upgrade: answers 101 and echoes bytes, as a WebSocket server would after its handshake.
  server.on("upgrade", (req, socket: net.Socket, head: Buffer) => {
    const key = String(req.headers["sec-websocket-key"] ?? "");
    const accept = crypto
      .createHash("sha1")
      .update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Seen-Path: ${req.url}\r\n\r\n`,
    );
    if (head.length) socket.write(head);
    socket.pipe(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as AddressInfo).port, offered }),
    ),
  );
}

/** A raw upgrade request through the hub; resolves with the response head and the socket. */
function upgrade(url: string, token: string): Promise<{ head: string; socket: net.Socket; rest: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => {
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n` +
          `Authorization: Bearer ${token}\r\n\r\n`,
      );
    });
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      resolve({ head: buf.subarray(0, end).toString(), socket, rest: buf.subarray(end + 4) });
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}

describe("integration: task port tunnels through the hub (native API, FakeRuntime, local server)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let container: Awaited<ReturnType<typeof containerServer>>;
  let workloadId: string;
  let aliceToken: string;
  let bobToken: string;
  const portUrl = (path = "/", port = container.port) =>
    `${hub.hub.httpUrl}${V1}/workloads/${workloadId}/tasks/0/ports/${port}${path}`;
  const authed = (token: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });

  before(async () => {
    container = await containerServer();
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "edge-1" });
    await agent.welcomed();
    for (const name of ["alice", "bob"]) {
      await hub.hub.core.users.create({ username: name, password: `${name}-password` });
    }
    const login = async (u: string) =>
      (
        await hub.api<{ token: string }>(
          "POST",
          `${V1}/auth/login`,
          { username: u, password: `${u}-password` },
          null,
        )
      ).body.token;
    aliceToken = await login("alice");
    bobToken = await login("bob");
    const res = await hub.api<{ id: string }>(
      "POST",
      `${V1}/workloads`,
      { name: "web", image: "fake" },
      aliceToken,
    );
    assert.equal(res.status, 201, res.text);
    workloadId = res.body.id;
    await waitFor(async () => {
      const w = await hub.api<{ state: string }>(
        "GET",
        `${V1}/workloads/${workloadId}`,
        undefined,
        aliceToken,
      );
      return w.body.state === "running";
    }, "workload running");
  });
  after(async () => {
    await agent.stop();
    await hub.close();
    container.server.closeAllConnections();
    container.server.close();
  });

  it("forwards method, path, query and headers, keeps the response's headers, drops the hub token", async () => {
    // The link says it serves a tunnel (agent/main.ts turns Turbofan back on at the first one).
    const tunnelled = new Promise<void>((resolve) => agent.link.once("tunnel", resolve));
    const res = await fetch(
      portUrl("/echo?x=1&y=two"),
      authed(aliceToken, { method: "PUT", body: "hi", headers: { "x-custom": "v" } }),
    );
    assert.equal(res.status, 200, await res.clone().text());
    const seen = (await res.json()) as { method: string; url: string; headers: Record<string, string> };
    assert.equal(seen.method, "PUT");
    assert.equal(seen.url, "/echo?x=1&y=two");
    assert.equal(seen.headers["x-custom"], "v");
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(
      seen.headers["x-forwarded-prefix"],
      `${V1}/workloads/${workloadId}/tasks/0/ports/${container.port}`,
    );
    assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
    await tunnelled;
    const missing = await fetch(portUrl("/nope"), authed(aliceToken));
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), "no such path in the container");
  });

  it("streams a 100 MiB upload and a 100 MiB download both ways, the download with bounded RSS", async () => {
    const body = Buffer.alloc(100 * MiB, 3);
    const up = await fetch(portUrl("/upload"), authed(aliceToken, { method: "POST", body }));
    const got = (await up.json()) as { bytes: number; sha256: string };
    assert.equal(got.bytes, body.length);
    assert.equal(got.sha256, crypto.createHash("sha256").update(body).digest("hex"));

    const down = await fetch(portUrl("/download?mib=100"), authed(aliceToken));
    assert.equal(down.status, 200);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let n = 0;
    try {
      for await (const chunk of down.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
    } finally {
      clearInterval(sampler);
    }
    assert.equal(n, 100 * MiB);
    // Hub, agent, container and client share this process: a download held in memory anywhere
    // would add its 100 MiB.
    assert.ok(peak - baseline < 64 * MiB, `RSS grew ${((peak - baseline) / MiB).toFixed(0)} MiB`);
  });

  it("holds a slow reader back instead of buffering: the container can only write a window ahead", async () => {
    const res = await fetch(portUrl("/download?mib=512"), authed(aliceToken));
    assert.equal(res.status, 200);
    await new Promise((r) => setTimeout(r, 1_000)); // read nothing for a second
    const offeredWhileStalled = container.offered.bytes;
    await res.body?.cancel();
    // Without backpressure all 512 MiB would be taken from the container within that second.
    assert.ok(offeredWhileStalled < 64 * MiB, `container wrote ${offeredWhileStalled / MiB} MiB ahead`);
  });

  it("passes server-sent events through as they are sent", async () => {
    const res = await fetch(portUrl("/sse"), authed(aliceToken));
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const t0 = Date.now();
    const first = await reader.read();
    assert.match(Buffer.from(first.value ?? []).toString(), /data: first/);
    assert.ok(Date.now() - t0 < 250, "the first event arrived before the stream ended");
    let rest = "";
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += Buffer.from(r.value).toString();
    }
    assert.match(rest, /data: second/);
  });

  it("passes a WebSocket upgrade through raw, both ways", async () => {
    const { head, socket, rest } = await upgrade(portUrl("/ws?room=1"), aliceToken);
    assert.match(head, /^HTTP\/1\.1 101/);
    assert.match(head, new RegExp(`X-Seen-Path: /ws\\?room=1`));
    let echoed = rest.toString();
    socket.on("data", (d: Buffer) => (echoed += d.toString()));
    socket.write("ping-bytes");
    await waitFor(() => echoed.includes("ping-bytes"), "echo", 5_000);
    socket.write("second");
    await waitFor(() => echoed.includes("second"), "second echo", 5_000);
    socket.destroy();
  });

  it("serves 200 concurrent requests", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(portUrl(`/echo?i=${i}`), authed(aliceToken)).then(async (r) => ({
          status: r.status,
          url: ((await r.json()) as { url: string }).url,
        })),
      ),
    );
    results.forEach((r, i) => {
      assert.equal(r.status, 200);
      assert.equal(r.url, `/echo?i=${i}`);
    });
  });

  it("keeps a tunnelled connection alive for the next request, and opens a new one when the container closed it", async () => {
    const conn = async () => {
      const r = await fetch(portUrl("/conn"), authed(aliceToken));
      assert.equal(r.status, 200);
      return r.text();
    };
    const first = await conn();
    assert.equal(await conn(), first, "the second request reused the first one's tunnel");
    const opened = (
      await hub.api<{ items: { reason: string }[] }>("GET", `${V1}/workloads/${workloadId}/events`)
    ).body;
    const before = (Array.isArray(opened) ? opened : opened.items).filter((e) => e.reason === "TunnelOpened");
    assert.ok(before.length >= 2, "every request is authorized and recorded, also on a kept-alive tunnel");
    // The container drops its idle connections (as a server's keep-alive timeout would).
    container.server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 100));
    const third = await conn();
    assert.notEqual(third, first, "a new connection, not an error");
    // At once after the close: either the hub saw the tunnel end first, or the request met the
    // closing connection and was sent once more (it has no body); the client sees no error.
    container.server.closeIdleConnections();
    assert.notEqual(await conn(), third);
  });

  it("lets only the owner and admins in, and records every open as an event", async () => {
    assert.equal((await fetch(portUrl("/echo"), authed(hub.adminToken))).status, 200);
    const other = await fetch(portUrl("/echo"), authed(bobToken));
    assert.equal(other.status, 403);
    assert.equal(((await other.json()) as { code: string }).code, "permission_denied");
    const anonymous = await fetch(portUrl("/echo"));
    assert.equal(anonymous.status, 401);
    const events = await hub.api<
      { items: { reason: string; message: string }[] } | { reason: string; message: string }[]
    >("GET", `${V1}/workloads/${workloadId}/events`);
    const items = Array.isArray(events.body) ? events.body : events.body.items;
    const opens = items.filter((e) => e.reason === "TunnelOpened");
    assert.ok(opens.some((e) => e.message === `admin opened port ${container.port} of task 0`));
    assert.ok(opens.some((e) => e.message === `alice opened port ${container.port} of task 0`));
    assert.ok(!opens.some((e) => e.message.startsWith("bob")));
  });

  it("mints a signed URL that sets an HTTP-only cookie scoped to the task port, and refuses expired ones", async () => {
    const minted = await fetch(portUrl("/url"), authed(aliceToken, { method: "POST" }));
    assert.equal(minted.status, 201);
    const { url, expiresAt } = (await minted.json()) as { url: string; expiresAt: string };
    assert.ok(Date.parse(expiresAt) > Date.now());
    const first = await fetch(url, { redirect: "manual" });
    assert.equal(first.status, 302);
    const base = `${V1}/workloads/${workloadId}/tasks/0/ports/${container.port}`;
    assert.equal(first.headers.get("location"), `${base}/`);
    const cookie = first.headers.getSetCookie()[0] ?? "";
    assert.match(cookie, new RegExp(`^corral_tunnel=[^;]+; path=${base.replace(/\//g, "\\/")}\\/;`));
    assert.match(cookie, /httponly/i);
    const viaCookie = await fetch(portUrl("/echo"), {
      headers: { cookie: `${cookie.split(";")[0]}; app=kept` },
    });
    assert.equal(viaCookie.status, 200);
    const seen = (await viaCookie.json()) as { headers: Record<string, string> };
    assert.equal(seen.headers.cookie, "app=kept", "the tunnel cookie stays in the hub");
    // The cookie is for this port only.
    const otherPort = await fetch(portUrl("/echo", container.port + 1), {
      headers: { cookie: cookie.split(";")[0]! },
    });
    assert.equal(otherPort.status, 401);

    const alice = hub.hub.core.users.get("alice");
    const w = hub.hub.core.workloads.find(workloadId)!;
    const expired = hub.hub.core.tunnels.sign(alice, w, 0, container.port, -1);
    const late = await fetch(portUrl(`/?corral_token=${encodeURIComponent(expired.token)}`), {
      redirect: "manual",
    });
    assert.equal(late.status, 401);
    assert.match(((await late.json()) as { message: string }).message, /expired/);
    const token = new URL(url).searchParams.get("corral_token") ?? "";
    const forged = token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");
    const tampered = await fetch(portUrl(`/?corral_token=${encodeURIComponent(forged)}`), {
      redirect: "manual",
    });
    assert.equal(tampered.status, 401);
    const otherGrant = await fetch(
      portUrl(`/?corral_token=${encodeURIComponent(token)}`, container.port + 1),
      {
        redirect: "manual",
      },
    );
    assert.equal(otherGrant.status, 401, "a URL for one port opens no other");
    const bobMint = await fetch(portUrl("/url"), authed(bobToken, { method: "POST" }));
    assert.equal(bobMint.status, 403);
  });

  it("answers a port nothing listens on with 502, and a task that is not running with 409", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await fetch(portUrl("/", unused), authed(aliceToken));
    assert.equal(refused.status, 502);
    const body = (await refused.json()) as { code: string; message: string };
    assert.equal(body.code, "agent_unavailable");
    assert.match(body.message, /ECONNREFUSED/);

    const done = await hub.api<{ id: string }>(
      "POST",
      `${V1}/workloads`,
      { name: "done", image: "fake", env: { FAKE_RUN_FOR_MS: "1" } },
      aliceToken,
    );
    await waitFor(async () => {
      const w = await hub.api<{ state: string }>(
        "GET",
        `${V1}/workloads/${done.body.id}`,
        undefined,
        aliceToken,
      );
      return w.body.state === "succeeded";
    }, "workload done");
    const notRunning = await fetch(
      `${hub.hub.httpUrl}${V1}/workloads/${done.body.id}/tasks/0/ports/${container.port}/`,
      authed(aliceToken),
    );
    assert.equal(notRunning.status, 409);
    assert.match(((await notRunning.json()) as { message: string }).message, /not running/);
  });

  it("closes open tunnels when the link drops (502 for new requests), and serves new ones after reconnect", async () => {
    const res = await fetch(portUrl("/slow"), authed(aliceToken));
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const ws = await upgrade(portUrl("/ws"), aliceToken);
    let wsTail = Buffer.alloc(0);
    ws.socket.on("data", (d: Buffer) => (wsTail = Buffer.concat([wsTail, d])));
    const wsClosed = new Promise<void>((r) => ws.socket.on("close", () => r()));
    agent.link.dropConnection();
    await assert.rejects(async () => {
      for (;;) if ((await reader.read()).done) break;
    });
    await wsClosed;
    // A WebSocket close frame, code 1014 (bad gateway).
    assert.equal(wsTail[0], 0x88);
    assert.equal(wsTail.readUInt16BE(2), 1014);
    const during = await fetch(portUrl("/echo"), authed(aliceToken));
    if (during.status !== 200) {
      assert.equal(during.status, 502);
      assert.equal(((await during.json()) as { code: string }).code, "agent_unavailable");
    }
    await agent.welcomed();
    await waitFor(
      async () => (await fetch(portUrl("/echo"), authed(aliceToken))).status === 200,
      "tunnel after reconnect",
    );
  });
});
