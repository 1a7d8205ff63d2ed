import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningAgent } from "../../agent/agent";
import { openHubWebSocket } from "../../cli/hub-websocket";
import { BuiltProcess, runCli } from "../helpers/processes";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const V1 = "/api/corral/v1";

/**
 * Exec and port-forward through the hub with the built CLI. FakeRuntime runs an exec as a local
 * process and gives its containers the address 127.0.0.1, so a local server stands in for a port.
 */
describe("integration: exec and port-forward through the hub (built CLI, FakeRuntime)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let workloadId: string;
  let server: http.Server;
  let port: number;
  const env = () => ({ CORRAL_HUB_URL: hub.hub.httpUrl, CORRAL_TOKEN: hub.adminToken });

  before(async () => {
    server = http.createServer((req, res) => res.end(`container saw ${req.method} ${req.url}`));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as AddressInfo).port;
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "edge-x" });
    await agent.welcomed();
    const res = await hub.api<{ id: string }>("POST", `${V1}/workloads`, { name: "shell", image: "fake" });
    workloadId = res.body.id;
    await waitFor(async () => {
      const w = await hub.api<{ state: string }>("GET", `${V1}/workloads/${workloadId}`);
      return w.body.state === "running";
    }, "workload running");
  });
  after(async () => {
    await agent.stop();
    await hub.close();
    server.close();
  });

  it("corral workload exec prints the command's stdout and stderr and exits with its code", async () => {
    const ok = await runCli(
      ["workload", "exec", workloadId.slice(0, 8), "--", "echo", "hello", "there"],
      env(),
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "hello there\n");
    const failed = await runCli(
      ["workload", "exec", workloadId, "--", "sh", "-c", "echo out; echo err >&2; exit 7"],
      env(),
    );
    assert.equal(failed.code, 7, JSON.stringify(failed));
    assert.equal(failed.stdout, "out\n");
    assert.equal(failed.stderr, "err\n");
    const events = await hub.api<
      { reason: string; message: string }[] | { items: { reason: string; message: string }[] }
    >("GET", `${V1}/workloads/${workloadId}/events`);
    const items = Array.isArray(events.body) ? events.body : events.body.items;
    assert.ok(
      items.some(
        (e) => e.reason === "ExecStarted" && e.message === 'admin opened exec "echo hello there" of task 0',
      ),
    );
  });

  it("carries stdin to the command over the exec WebSocket and ends it with EOF", async () => {
    const q = new URLSearchParams([
      ["command", "cat"],
      ["stdin", "1"],
    ]);
    const ws = await openHubWebSocket(
      hub.hub.httpUrl,
      hub.adminToken,
      "POST",
      `/workloads/${workloadId}/tasks/0/exec`,
      q,
    );
    let out = "";
    let exit: number | null = null;
    const closed = new Promise<number>((r) => ws.on("close", (code: number) => r(code)));
    ws.on("message", (m: Buffer) => {
      if (m[0] === 1) out += m.subarray(1).toString();
      if (m[0] === 3) exit = (JSON.parse(m.subarray(1).toString()) as { exitCode: number }).exitCode;
    });
    ws.send(Buffer.concat([Buffer.of(0), Buffer.from("line one\n")]));
    ws.send(Buffer.concat([Buffer.of(0), Buffer.from("line two\n")]));
    ws.send(Buffer.of(5));
    assert.equal(await closed, 1000);
    assert.equal(out, "line one\nline two\n");
    assert.equal(exit, 0);
  });

  it("closes an open exec WebSocket with 1014 when the agent's link drops", async () => {
    const q = new URLSearchParams([
      ["command", "sleep"],
      ["command", "30"],
    ]);
    const ws = await openHubWebSocket(
      hub.hub.httpUrl,
      hub.adminToken,
      "POST",
      `/workloads/${workloadId}/tasks/0/exec`,
      q,
    );
    const closed = new Promise<number>((r) => ws.on("close", (code: number) => r(code)));
    await new Promise((r) => setTimeout(r, 100));
    agent.link.dropConnection();
    assert.equal(await closed, 1014);
    await agent.welcomed();
  });

  it("refuses exec to another user (403) and for a task index that does not exist (404)", async () => {
    await hub.hub.core.users.create({ username: "eve", password: "eve-password" });
    const login = await hub.api<{ token: string }>(
      "POST",
      `${V1}/auth/login`,
      { username: "eve", password: "eve-password" },
      null,
    );
    const res = await runCli(["workload", "exec", workloadId, "--", "true"], {
      ...env(),
      CORRAL_TOKEN: login.body.token,
    });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /not your workload|owner and admins/);
    const missing = await runCli(["workload", "exec", workloadId, "--task", "5", "--", "true"], env());
    assert.equal(missing.code, 3, missing.stderr);
  });

  it("corral workload port-forward carries local connections to the task port", async () => {
    const pf = BuiltProcess.start("corral", ["workload", "port-forward", workloadId, `0:${port}`], env());
    try {
      await pf.waitForOutput(/Forwarding 127\.0\.0\.1:\d+/, "forwarding");
      const local = Number(/Forwarding 127\.0\.0\.1:(\d+)/.exec(pf.output)?.[1]);
      const texts = await Promise.all(
        [1, 2, 3].map(async (i) => (await fetch(`http://127.0.0.1:${local}/hello?n=${i}`)).text()),
      );
      assert.deepEqual(
        texts,
        [1, 2, 3].map((i) => `container saw GET /hello?n=${i}`),
      );
    } finally {
      await pf.stop("SIGINT");
    }
  });
});
