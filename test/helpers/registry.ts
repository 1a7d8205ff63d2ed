/**
 * A real OCI registry for tests: Debian's `docker-registry` (distribution v2) on a loopback port,
 * storage in a temp dir, deletes enabled. Without the binary it skips with a notice, except in CI
 * (CI=true or CORRAL_REQUIRE_DOCKER=1) where it fails. Install: apt-get install -y docker-registry.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
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

export interface RegistryOptions {
  /** The only user the registry lets in (htpasswd, bcrypt); unset: no authentication. */
  auth?: { username: string; password: string };
}

/** A bcrypt ($2b$) htpasswd line, made offline by python3's crypt (libxcrypt). */
function htpasswdLine(username: string, password: string): string {
  const hash = execFileSync(
    "python3",
    [
      "-W",
      "ignore",
      "-c",
      "import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))",
    ],
    { input: password },
  )
    .toString()
    .trim();
  if (!hash.startsWith("$2")) throw new Error(`[registry] python3 crypt gave no bcrypt hash: ${hash}`);
  return `${username}:${hash}\n`;
}

export async function requireRegistry(
  ctx: Mocha.Context,
  options: RegistryOptions = {},
): Promise<TestRegistry> {
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
  const auth: string[] = [];
  if (options.auth) {
    const file = path.join(dir, "htpasswd");
    fs.writeFileSync(file, htpasswdLine(options.auth.username, options.auth.password));
    auth.push("auth:", `  htpasswd: { realm: corral-test, path: ${file} }`);
  }
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
      ...auth,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(BIN, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    // 401 is the authenticated registry's answer to an anonymous /v2/.
    async () => [200, 401].includes((await fetch(`${url}/v2/`)).status),
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
