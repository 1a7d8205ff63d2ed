// `npm run dev` as a user runs it: the built dist/scripts/dev.js in its own process, a temp data
// dir, ports 0 (the URLs are read from what it prints) and the fake runtime.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";

const ROOT = repoRoot();
const NODE = "dev-test-node";

interface DevRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startDev(dataDir: string): DevRun {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CORRAL_")) env[k] = v;
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "scripts", "dev.js")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...env,
      CORRAL_DATA_DIR: dataDir,
      CORRAL_HTTP_PORT: "0",
      CORRAL_GRPC_PORT: "0",
      CORRAL_RUNTIME: "fake",
      CORRAL_NODE_NAME: NODE,
      CORRAL_NVIDIA_SMI: path.join(dataDir, "no-nvidia-smi"),
    },
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function match(text: string, re: RegExp): string {
  const m = re.exec(text);
  assert.ok(m?.[1], `expected ${re} in:\n${text}`);
  return m[1];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function nodesAs(
  api: string,
  username: string,
  password: string,
): Promise<Array<{ name: string; status: string }>> {
  const login = await fetch(`${api}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(login.status, 200);
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${api}/nodes`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Array<{ name: string; status: string }> }).items;
}

describe("scripts/dev (npm run dev)", function () {
  this.timeout(60_000);
  let dataDir = "";
  let run: DevRun | null = null;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-dev-"));
  });
  afterEach(() => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
    run = null;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("starts a hub and an agent, prints a working password, and stops both on SIGINT", async () => {
    const dev = (run = startDev(dataDir));
    await waitFor(() => dev.output().includes(`node ${NODE} ready`), "the ready line", 45_000, 50);
    const out = dev.output();
    const api = match(out, /API:\s+(http:\/\/127\.0\.0\.1:\d+\/api\/corral\/v1)/);
    const password = match(out, /password: (\S+) \(generated now/);
    const agentPid = Number(match(out, /agent started \(pid (\d+)/));
    assert.match(
      out,
      /node bin\/corral\.js login --hub http:\/\/127\.0\.0\.1:\d+ --username admin --password \S+/,
    );

    const nodes = await nodesAs(api, "admin", password);
    assert.deepEqual(
      nodes.map((n) => [n.name, n.status]),
      [[NODE, "ready"]],
    );

    dev.child.kill("SIGINT");
    assert.equal(await dev.exited, 0, dev.output());
    assert.equal(alive(agentPid), false, "the agent process is gone");
    assert.match(dev.output(), /\[dev\] stopped/);
  });

  it("on a second start says the admin exists and how to reset, and stops on SIGTERM", async () => {
    const dev = (run = startDev(dataDir));
    await waitFor(() => dev.output().includes(`node ${NODE} ready`), "the ready line", 45_000, 50);
    assert.match(dev.output(), /already exists in .* from an earlier run/);
    assert.match(dev.output(), /to reset: .*delete/);
    const agentPid = Number(match(dev.output(), /agent started \(pid (\d+)/));
    dev.child.kill("SIGTERM");
    assert.equal(await dev.exited, 0, dev.output());
    assert.equal(alive(agentPid), false, "the agent process is gone");
  });
});
