import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "../../../helpers/fixtures";

/** Runs `script` in a fresh Node process (its own require cache) and returns what it printed as JSON. */
function inFreshProcess<T>(script: string): T {
  const r = spawnSync(process.execPath, ["-e", script], { cwd: repoRoot(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) as string) as T;
}

const LEAN = JSON.stringify(path.join(repoRoot(), "dist", "agent", "runtime", "dockerode-lean.js"));
const HEAVY = "/node_modules/(ssh2|cpu-features|protobufjs|@grpc/proto-loader|tar-stream|bl)/";

describe("agent/runtime/dockerode-lean", () => {
  it("builds a Dockerode client without loading ssh2, the BuildKit session's protobufjs or tar-fs", () => {
    const out = inFreshProcess<{ heavy: string[]; deferred: number; hasPing: boolean }>(`
      const lean = require(${LEAN});
      const Dockerode = lean.loadDockerode();
      const docker = new Dockerode({ socketPath: "/var/run/docker.sock" });
      const heavy = Object.keys(require.cache).filter((k) => new RegExp(${JSON.stringify(HEAVY)}).test(k));
      console.log(JSON.stringify({ heavy, deferred: lean.deferredFiles().length, hasPing: typeof docker.ping === "function" }));
    `);
    assert.equal(out.deferred, 3, "every deferred file exists in this dockerode install");
    assert.deepEqual(out.heavy, []);
    assert.equal(out.hasPing, true);
  });

  it("loads the real ssh module on the first call and forwards to it", () => {
    const out = inFreshProcess<{ before: boolean; after: boolean; isAgent: boolean; realCached: boolean }>(`
      const lean = require(${LEAN});
      lean.loadDockerode();
      const sshFile = lean.deferredFiles().find((f) => f.endsWith("ssh.js"));
      const loaded = () => Object.keys(require.cache).some((k) => k.includes("/node_modules/ssh2/"));
      const before = loaded();
      const agent = require(sshFile)({ host: "127.0.0.1" });
      console.log(JSON.stringify({
        before,
        after: loaded(),
        isAgent: agent instanceof require("node:http").Agent && typeof agent.createConnection === "function",
        realCached: require.cache[sshFile].exports.toString().includes("dial-stdio"),
      }));
    `);
    assert.deepEqual(out, { before: false, after: true, isAgent: true, realCached: true });
  });

  it("loads the real tar-fs on the first pack() and forwards to it (dockerode's build context path)", () => {
    const out = inFreshProcess<{ before: boolean; after: boolean; isStream: boolean; realCached: boolean }>(`
      const lean = require(${LEAN});
      lean.loadDockerode();
      const tarFile = lean.deferredFiles().find((f) => f.includes("/tar-fs/"));
      const loaded = () => Object.keys(require.cache).some((k) => k.includes("/node_modules/tar-stream/"));
      const before = loaded();
      const pack = require(tarFile).pack(${JSON.stringify(path.join(repoRoot(), "bin"))});
      pack.resume();
      console.log(JSON.stringify({
        before,
        after: loaded(),
        isStream: typeof pack.pipe === "function",
        realCached: require.cache[tarFile].exports.pack.toString().includes("statAll"),
      }));
    `);
    assert.deepEqual(out, { before: false, after: true, isStream: true, realCached: true });
  });
});
