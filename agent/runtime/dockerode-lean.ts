/**
 * Loads dockerode without the two parts the agent never uses at start, so an idle agent does not
 * hold them (issue 15, agent footprint; ~6-7 MiB RSS and ~90 modules):
 *   - docker-modem's `lib/ssh.js`, which loads ssh2 (+ asn1, bcrypt-pbkdf, tweetnacl and the
 *     native cpu-features) for `ssh://` engines; the agent talks to a local socket;
 *   - dockerode's `lib/session.js`, which loads @grpc/proto-loader and protobufjs for BuildKit
 *     sessions (buildImage with a session); the agent never builds images.
 * Each is replaced in the require cache by a forwarder that loads the real file on its first call
 * and passes the call through, so behaviour is unchanged if they are ever used. When the files
 * are not where this dockerode version keeps them, dockerode is loaded as it is.
 */
import path from "node:path";
import Module from "node:module";
import type DockerodeType from "dockerode";

/** The files replaced by forwarders, relative to their package's `lib/` folder. */
export const DEFERRED_PARTS: ReadonlyArray<{ pkg: string; file: string }> = [
  { pkg: "docker-modem", file: "ssh.js" },
  { pkg: "dockerode", file: "session.js" },
];

/** The absolute paths of the deferred files in this install (those that exist). */
export function deferredFiles(): string[] {
  const dockerodeMain = require.resolve("dockerode");
  const from = { paths: [path.dirname(dockerodeMain)] };
  const libOf = (pkg: string) =>
    path.dirname(pkg === "dockerode" ? dockerodeMain : require.resolve(pkg, from));
  return DEFERRED_PARTS.map((p) => path.join(libOf(p.pkg), p.file)).filter((f) => {
    try {
      return require.resolve(f) === f;
    } catch {
      return false;
    }
  });
}

type Forwarded = (...args: unknown[]) => unknown;

/** Puts a forwarder for `file` (a module exporting one function) into the require cache. */
function deferFile(file: string): void {
  if (require.cache[file]) return; // already loaded (or already deferred): leave it
  let real: Forwarded | null = null;
  const forwarder = function (this: unknown, ...args: unknown[]): unknown {
    if (real === null) {
      // The real module replaces the forwarder in the cache from here on.
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file loaded on first use
      real = require(file) as Forwarded;
    }
    return real.apply(this, args);
  };
  const stand = new Module(file);
  stand.filename = file;
  stand.loaded = true;
  stand.exports = forwarder;
  require.cache[file] = stand;
}

/** dockerode's constructor, loaded with DEFERRED_PARTS deferred. */
export function loadDockerode(): typeof DockerodeType {
  for (const file of deferredFiles()) deferFile(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the cache is primed
  return require("dockerode") as typeof DockerodeType;
}
