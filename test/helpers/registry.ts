/**
 * A real OCI registry for tests: Debian's `docker-registry` (distribution v2) on a loopback port,
 * storage in a temp dir, deletes enabled. Without the binary it skips with a notice, except in CI
 * (CI=true or CORRAL_REQUIRE_DOCKER=1) where it fails. Install: apt-get install -y docker-registry.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./processes";
import { waitFor } from "./wait";

/** @default REGISTRY_BIN env, else /usr/bin/docker-registry */
const BIN = process.env["REGISTRY_BIN"] ?? "/usr/bin/docker-registry";

export interface TestRegistry {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, the image reference prefix (dockerd allows 127.0.0.0/8 without TLS). */
  host: string;
  stop(): Promise<void>;
}

export async function requireRegistry(ctx: Mocha.Context): Promise<TestRegistry> {
  if (!fs.existsSync(BIN)) {
    const reason = `${BIN} is missing (run: apt-get install -y docker-registry)`;
    if (process.env["CI"] === "true" || process.env["CORRAL_REQUIRE_DOCKER"] === "1")
      throw new Error(`[registry] required but ${reason}`);
    process.stderr.write(`[registry] skipping: ${reason}\n`);
    ctx.skip();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-registry-"));
  const port = await freePort();
  const config = path.join(dir, "config.yml");
  fs.writeFileSync(
    config,
    [
      "version: 0.1",
      "log: { level: warn }",
      "storage:",
      `  filesystem: { rootdirectory: ${path.join(dir, "data")} }`,
      "  delete: { enabled: true }",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(BIN, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/v2/`)).status === 200,
    `registry on ${url}\n${output.slice(-1000)}`,
    15_000,
    100,
  );
  return {
    url,
    host: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
