import { ConfigError, loadHubConfig } from "./config";
import { startHub } from "./hub";
import { hubLogger } from "./log-redaction";
import { rotateKeys } from "./rotate-keys";

const USAGE = "usage: corral-hub [rotate-keys [--signing] [--sealing]]\n";

/**
 * `corral-hub`: starts the hub from CORRAL_* settings and drains on SIGTERM / SIGINT.
 * `corral-hub rotate-keys --signing --sealing`: new keys in the data dir (hub stopped; rotate-keys.ts).
 */
export async function main(argv: string[]): Promise<void> {
  // Everything the hub writes (database, keys, certificates) is for its own user only.
  process.umask(0o077);
  let config;
  try {
    config = loadHubConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`corral-hub: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  if (argv[0] === "rotate-keys") {
    const flags = new Set(argv.slice(1));
    const unknown = [...flags].filter((f) => f !== "--signing" && f !== "--sealing");
    if (unknown.length > 0 || flags.size === 0) {
      process.stderr.write(USAGE);
      process.exitCode = 2;
      return;
    }
    const done = rotateKeys(config.dataDir, {
      signing: flags.has("--signing"),
      sealing: flags.has("--sealing"),
    });
    process.stdout.write(
      [
        done.signing ? "token-signing key rotated: every token issued before is invalid; log in again" : "",
        done.sealing ? `secret-sealing key rotated: ${done.resealed} stored secrets sealed anew` : "",
      ]
        .filter(Boolean)
        .join("\n") + "\n",
    );
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(USAGE);
    process.exitCode = 2;
    return;
  }
  const logger = hubLogger(config.logLevel);
  const hub = await startHub(config, { logger });
  if (hub.generatedAdminPassword) {
    // Printed once, on the terminal only: it is never logged. Before "hub started", which is the
    // line scripts (and our tests) wait for: once it is out, everything start-up prints is too.
    process.stdout.write(
      `\nCorral admin created.\n  username: ${config.adminUsername}\n  password: ${hub.generatedAdminPassword}\n(shown once; set CORRAL_ADMIN_PASSWORD to choose it)\n\n`,
    );
  }
  logger.info(
    // caFingerprint: what K10 join tokens carry and what an agent trusting on first use prints.
    { http: hub.httpUrl, grpc: hub.grpcAddress, dataDir: config.dataDir, caFingerprint: hub.ca.fingerprint },
    "hub started",
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    hub.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
