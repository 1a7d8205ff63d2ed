// scripts/install-agent.sh through --dry-run (no root, no systemd): the files it would write and
// its argument checks.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "../helpers/fixtures";

const SCRIPT = path.join(repoRoot(), "scripts", "install-agent.sh");

function install(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8", timeout: 20_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The lines of one `# --- <file> ---` section of the dry-run output. */
function section(stdout: string, file: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`# --- ${file}`));
  assert.ok(start >= 0, `no section for ${file} in:\n${stdout}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("# --- "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const REQUIRED = ["--hub", "hub.example:9081", "--token", "abc123.s3cret-token"];

describe("scripts/install-agent.sh", () => {
  it("passes bash -n", () => {
    const res = spawnSync("bash", ["-n", SCRIPT], { encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
  });

  it("--dry-run prints the unit and the env file and writes nothing", () => {
    const res = install(
      ...REQUIRED,
      ...["--name", "gpu-01", "--cluster", "edge", "--labels", "gpu,zone=a"],
      ...["--prefix", "/srv/corral", "--data-dir", "/srv/corral-data", "--dry-run"],
    );
    assert.equal(res.status, 0, res.stderr);

    const unit = section(res.stdout, "/etc/systemd/system/corral-agent.service");
    for (const line of [
      "Restart=always",
      "RestartSec=5",
      "After=network-online.target docker.service",
      "Wants=network-online.target",
      "EnvironmentFile=/etc/corral/agent.env",
      "ExecStart=/usr/bin/env node /srv/corral/bin/corral-agent.js",
      "KillSignal=SIGTERM",
      "TimeoutStopSec=30",
      "WantedBy=multi-user.target",
    ]) {
      assert.ok(unit.includes(line), `unit lacks ${line}:\n${unit.join("\n")}`);
    }

    const env = section(res.stdout, "/etc/corral/agent.env");
    for (const line of [
      "CORRAL_HUB=hub.example:9081",
      "CORRAL_JOIN_TOKEN=abc123.s3cret-token",
      "CORRAL_CLUSTER=edge",
      "CORRAL_NODE_NAME=gpu-01",
      "CORRAL_LABELS=gpu,zone=a",
      "CORRAL_RUNTIME=docker",
      "CORRAL_AGENT_DATA_DIR=/srv/corral-data",
    ]) {
      assert.ok(env.includes(line), `env file lacks ${line}:\n${env.join("\n")}`);
    }
    assert.match(res.stdout, /agent\.env \(mode 0600\)/);
    assert.match(res.stdout, /^systemctl daemon-reload$/m);
    assert.match(res.stdout, /^systemctl enable corral-agent$/m);
  });

  it("defaults the cluster, runtime, prefix and data dir", () => {
    const res = install(...REQUIRED, "--dry-run");
    assert.equal(res.status, 0, res.stderr);
    const env = section(res.stdout, "/etc/corral/agent.env");
    assert.ok(env.includes("CORRAL_CLUSTER=default"));
    assert.ok(env.includes("CORRAL_RUNTIME=docker"));
    assert.ok(env.includes("CORRAL_AGENT_DATA_DIR=/var/lib/corral-agent"));
    assert.ok(!env.some((l) => l.startsWith("CORRAL_NODE_NAME=")), "no name: the agent uses the hostname");
    assert.ok(
      section(res.stdout, "/etc/systemd/system").includes(
        "ExecStart=/usr/bin/env node /opt/corral/bin/corral-agent.js",
      ),
    );
  });

  it("takes a join token that carries the hub CA fingerprint (K10<sha256>::<secret>)", () => {
    const k10 = `K10${"ab".repeat(32)}::abc123.s3cret-token`;
    const res = install("--hub", "hub.example:9081", "--token", k10, "--dry-run");
    assert.equal(res.status, 0, res.stderr);
    assert.ok(section(res.stdout, "/etc/corral/agent.env").includes(`CORRAL_JOIN_TOKEN=${k10}`));
  });

  it("-h prints usage and exits 0", () => {
    const res = install("-h");
    assert.equal(res.status, 0);
    assert.match(res.stdout, /Usage: .*--hub HOST:PORT --token JOIN_TOKEN/);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ["no --hub", ["--token", "abc123.s3cret-token"], /--hub is required/],
    ["no --token", ["--hub", "hub.example:9081"], /--token is required/],
    ["--hub without a port", ["--hub", "hub.example", "--token", "t"], /--hub must be HOST:PORT/],
    ["--hub port 0", ["--hub", "hub.example:0", "--token", "t"], /--hub port must be 1-65535/],
    ["--token without a value", ["--hub", "hub.example:9081", "--token"], /--token needs a value/],
    ["--token with a quote", ["--hub", "hub.example:9081", "--token", "a'b"], /--token has characters/],
    ["--runtime podman", [...REQUIRED, "--runtime", "podman"], /--runtime must be docker or fake/],
    ["--labels with a space", [...REQUIRED, "--labels", "a b"], /--labels must be a comma list/],
    ["--name with a slash", [...REQUIRED, "--name", "a/b"], /--name must be/],
    [
      "--cluster starting with -",
      [...REQUIRED, "--cluster", "-x"],
      /--cluster needs a value|--cluster must be/,
    ],
    ["relative --prefix", [...REQUIRED, "--prefix", "opt/corral"], /--prefix must be an absolute path/],
    ["--prefix /", [...REQUIRED, "--prefix", "/"], /--prefix must be/],
    [
      "--data-dir with ..",
      [...REQUIRED, "--data-dir", "/var/../etc"],
      /--data-dir must not be \/ or contain '\.\.'/,
    ],
    ["an unknown argument", [...REQUIRED, "--bogus"], /unknown argument: --bogus/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 naming the argument: ${what}`, () => {
      const res = install(...args, "--dry-run");
      assert.equal(res.status, 2, `stdout:\n${res.stdout}\nstderr:\n${res.stderr}`);
      assert.match(res.stderr, message);
      assert.equal(res.stdout, "", "nothing is printed as if it would be installed");
    });
  }
});
