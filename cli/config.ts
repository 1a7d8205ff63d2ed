// The CLI's stored login: hub URL and token in <config dir>/config.json, mode 0600 because the token is
// a credential. Config dir: $CORRAL_CONFIG_DIR, else $XDG_CONFIG_HOME/corral, else ~/.config/corral.
import { mkdir, readFile, rename, rm, writeFile, chmod } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError, UsageError } from "./errors";

export type Env = Readonly<Record<string, string | undefined>>;

export interface StoredConfig {
  /** Hub base URL, normalised (no trailing slash). */
  hub?: string;
  /** Bearer token from `corral login`; only ever sent to `hub`. */
  token?: string;
  /** Who logged in, for messages. */
  username?: string;
  /** ISO time the token expires, as the hub said at login. */
  expiresAt?: string;
}

export function configDir(env: Env): string {
  if (env.CORRAL_CONFIG_DIR) return env.CORRAL_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "corral");
}

export function configPath(env: Env): string {
  return join(configDir(env), "config.json");
}

/** Reads the stored config; a missing file is an empty config, a corrupt one is an error naming it. */
export async function loadConfig(env: Env): Promise<StoredConfig> {
  const path = configPath(env);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (isNodeError(err) && err.code === "ENOENT") return {};
    throw new CliError(`cannot read ${path}: ${String(err)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("not an object");
    const o = parsed as Record<string, unknown>;
    const out: StoredConfig = {};
    if (typeof o.hub === "string") out.hub = o.hub;
    if (typeof o.token === "string") out.token = o.token;
    if (typeof o.username === "string") out.username = o.username;
    if (typeof o.expiresAt === "string") out.expiresAt = o.expiresAt;
    return out;
  } catch (err) {
    throw new CliError(`${path} is not valid config JSON (${String(err)}): fix or delete it`);
  }
}

/**
 * Writes the config atomically (temp file + rename) with mode 0600, in a 0700 directory, so the
 * token is never readable by other users, not even for a moment.
 */
export async function saveConfig(env: Env, config: StoredConfig): Promise<string> {
  const dir = configDir(env);
  const path = configPath(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  await chmod(tmp, 0o600); // umask cannot widen it, but a leftover tmp file may predate us
  await rename(tmp, path);
  return path;
}

export async function deleteConfigFile(env: Env): Promise<void> {
  await rm(configPath(env), { force: true });
}

/** `http://h:1/` and `http://h:1` are the same hub; used to decide whether the stored token applies. */
export function normaliseHubUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`bad hub URL ${JSON.stringify(raw)}: expected e.g. http://hub.example:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`bad hub URL ${JSON.stringify(raw)}: must start with http:// or https://`);
  }
  return url.toString().replace(/\/+$/, "");
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && "code" in err;
}
