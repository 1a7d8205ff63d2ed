import pino from "pino";
import { ConfigError, loadHubConfig } from "./config";
import { startHub } from "./hub";

/** `corral-hub`: starts the hub from CORRAL_* settings and drains on SIGTERM / SIGINT. */
export async function main(_argv: string[]): Promise<void> {
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
  const logger = pino({ level: config.logLevel, base: { service: "corral-hub" } });
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
