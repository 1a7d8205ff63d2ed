/**
 * Loads dockerode without the two parts the agent never uses at start, so an idle agent does not
 * hold them (issue 15, agent footprint; ~6-7 MiB RSS and ~90 modules):
 *   - docker-modem's `lib/ssh.js`, which loads ssh2 (+ asn1, bcrypt-pbkdf, tweetnacl and the
 *     native cpu-features) for `ssh://` engines; the agent talks to a local socket;
 *   - dockerode's `lib/session.js`, which loads @grpc/proto-loader and protobufjs for BuildKit
 *     sessions (buildImage with a session); the agent never builds images;
 *   - tar-fs (+ tar-stream, bl, pump, readable-stream: ~30 modules, ~0.5 MiB of heap), which
 *     dockerode's util.js loads for build contexts (buildImage); the agent never builds images.
 * Each is replaced in the require cache by a stand-in whose functions load the real file on their
 * first call and pass the call through, so behaviour is unchanged if they are ever used. When the
 * files are not where this dockerode version keeps them, dockerode is loaded as it is.
 */
import path from "node:path";
import Module from "node:module";
import type DockerodeType from "dockerode";

/** A file replaced by a stand-in until first used. */
export interface DeferredPart {
  pkg: string;
  /** Relative to the folder of the package's main file. */
  file: string;
  /** What the file exports: one function, or an object holding these functions. */
  exports: "function" | readonly string[];
}

/** The files replaced by stand-ins. */
export const DEFERRED_PARTS: readonly DeferredPart[] = [
  { pkg: "docker-modem", file: "ssh.js", exports: "function" },
  { pkg: "dockerode", file: "session.js", exports: "function" },
  { pkg: "tar-fs", file: "index.js", exports: ["pack", "extract"] },
];

/** The deferred parts found in this install, each with its absolute path. */
function deferredParts(): Array<DeferredPart & { path: string }> {
  const dockerodeMain = require.resolve("dockerode");
  // Every deferred package is one dockerode (or its docker-modem) requires: resolve it from there.
  const from = { paths: [path.dirname(dockerodeMain)] };
  const dirOf = (pkg: string): string | null => {
    try {
      return path.dirname(pkg === "dockerode" ? dockerodeMain : require.resolve(pkg, from));
    } catch {
      return null;
    }
  };
  const out: Array<DeferredPart & { path: string }> = [];
  for (const p of DEFERRED_PARTS) {
    const dir = dirOf(p.pkg);
    const file = dir === null ? null : path.join(dir, p.file);
    try {
      if (file !== null && require.resolve(file) === file) out.push({ ...p, path: file });
    } catch {
      // not in this version of the package: loaded as it is
    }
  }
  return out;
}

/** The absolute paths of the deferred files in this install (those that exist). */
export function deferredFiles(): string[] {
  return deferredParts().map((p) => p.path);
}

type Forwarded = (...args: unknown[]) => unknown;

/** Puts a stand-in for `file` into the require cache, shaped as its exports are. */
function deferFile(file: string, shape: DeferredPart["exports"]): void {
  if (require.cache[file]) return; // already loaded (or already deferred): leave it
  let real: unknown = null;
  const load = (): unknown => {
    if (real === null) {
      // The real module replaces the stand-in in the cache from here on.
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file loaded on first use
      real = require(file) as unknown;
    }
    return real;
  };
  const stand = new Module(file);
  stand.filename = file;
  stand.loaded = true;
  if (shape === "function") {
    stand.exports = function (this: unknown, ...args: unknown[]): unknown {
      return (load() as Forwarded).apply(this, args);
    };
  } else {
    const exports: Record<string, Forwarded> = {};
    for (const name of shape) {
      exports[name] = (...args: unknown[]): unknown => {
        const module = load() as Record<string, Forwarded>;
        return (module[name] as Forwarded).apply(module, args);
      };
    }
    stand.exports = exports;
  }
  require.cache[file] = stand;
}

/** dockerode's constructor, loaded with DEFERRED_PARTS deferred. */
export function loadDockerode(): typeof DockerodeType {
  for (const part of deferredParts()) deferFile(part.path, part.exports);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the cache is primed
  return require("dockerode") as typeof DockerodeType;
}
