/**
 * End to end on real Docker: a container running busybox httpd on port 8080, not published on the
 * node, is reached through the hub; `corral workload exec` runs echo in it and returns its exit
 * code; `corral workload port-forward` carries a request to it. Built hub, agent and CLI
 * processes, as docker-e2e.test.ts. Skips without Docker, except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { openHubWebSocket } from "../../cli/hub-websocket";
import { removeNodeContainers, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { BuiltProcess, runCli, startBuiltCluster, type BuiltCluster } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-tunnel-join-token-01234567";
const PASSWORD = "e2e-admin-password";

interface Workload {
  id: string;
  state: string;
  tasks: { id: string; state: string; containerId: string | null }[];
}

describe("e2e: a task's unpublished port, exec and port-forward through the hub (real Docker)", function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  let httpUrl: string;
  let token: string;
  let workloadId: string;
  const cluster = `e2e-tun-${process.pid}`;
  const nodeKey = identityNodeKey(cluster, "tun1");
  let api: BuiltCluster["api"];
  const cliEnv = () => ({ CORRAL_HUB_URL: httpUrl, CORRAL_TOKEN: token });

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-tun-"));
    const started = await startBuiltCluster(dir, {
      cluster,
      node: "tun1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    ({ hub, agent, httpUrl, token } = started);
    api = started.api;
    const res = await api<Workload>("POST", "/workloads", {
      name: "web",
      image: TEST_IMAGE,
      cluster,
      stopGraceSec: 1,
      command: [
        "sh",
        "-c",
        "mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p 8080 -h /www",
      ],
    });
    assert.equal(res.status, 201, res.text);
    workloadId = res.body.id;
    await waitFor(
      async () => (await api<Workload>("GET", `/workloads/${workloadId}`)).body.tasks[0]?.state === "running",
      "httpd running",
      60_000,
      100,
    );
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) await removeNodeContainers(docker, nodeKey);
  });

  it("reaches httpd on its unpublished port through the hub", async () => {
    const w = (await api<Workload>("GET", `/workloads/${workloadId}`)).body;
    const inspect = await docker.getContainer(w.tasks[0]?.containerId ?? "").inspect();
    assert.deepEqual(inspect.HostConfig.PortBindings ?? {}, {}, "port 8080 is not published");
    const text = await waitFor(
      async () => {
        const r = await fetch(
          `${httpUrl}/api/corral/v1/workloads/${workloadId}/tasks/0/ports/8080/index.html`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        return r.status === 200 ? r.text() : null;
      },
      "httpd answering through the tunnel",
      20_000,
      200,
    );
    assert.equal(text, "hello-from-httpd\n");
  });

  it("corral workload exec runs echo in the container and returns its exit code", async () => {
    const ok = await runCli(["workload", "exec", workloadId, "--", "echo", "inside"], cliEnv());
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "inside\n");
    const failed = await runCli(
      ["workload", "exec", workloadId, "--", "sh", "-c", "echo oops >&2; exit 4"],
      cliEnv(),
    );
    assert.equal(failed.code, 4);
    assert.equal(failed.stderr, "oops\n");
  });

  it("runs an exec in a terminal, takes a resize, and returns its exit code", async () => {
    const q = new URLSearchParams([
      ["command", "sh"],
      ["tty", "1"],
      ["stdin", "1"],
      ["cols", "100"],
      ["rows", "30"],
    ]);
    const ws = await openHubWebSocket(httpUrl, token, "POST", `/workloads/${workloadId}/tasks/0/exec`, q);
    let out = "";
    let exit: number | null = null;
    ws.on("message", (m: Buffer) => {
      if (m[0] === 1) out += m.subarray(1).toString();
      if (m[0] === 3) exit = (JSON.parse(m.subarray(1).toString()) as { exitCode: number }).exitCode;
    });
    const closed = new Promise<void>((r) => ws.on("close", () => r()));
    const stdin = (text: string) => ws.send(Buffer.concat([Buffer.of(0), Buffer.from(text)]));
    stdin("tty\n");
    await waitFor(() => /\/dev\/pts\/\d+/.test(out), "a terminal", 10_000);
    // busybox's stty cannot read the size here, so the resize is only checked to be accepted.
    ws.send(Buffer.concat([Buffer.of(4), Buffer.from(JSON.stringify({ cols: 120, rows: 40 }))]));
    stdin("exit 3\n");
    await closed;
    assert.equal(exit, 3);
  });

  it("corral workload port-forward carries a request to httpd", async () => {
    const pf = BuiltProcess.start("corral", ["workload", "port-forward", workloadId, "0:8080"], cliEnv());
    try {
      await pf.waitForOutput(/Forwarding 127\.0\.0\.1:\d+/, "forwarding");
      const local = Number(/Forwarding 127\.0\.0\.1:(\d+)/.exec(pf.output)?.[1]);
      const r = await fetch(`http://127.0.0.1:${local}/index.html`);
      assert.equal(await r.text(), "hello-from-httpd\n");
    } finally {
      await pf.stop("SIGINT");
    }
  });
});
