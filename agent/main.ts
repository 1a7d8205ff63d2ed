import pino from "pino";
import { startAgent } from "./agent";
import { AgentConfigError, loadAgentConfig } from "./config";
import { createHardwareCollector } from "./hardware";
import { identityNodeKey } from "./runtime-identity";
import { createRuntime } from "./runtime";
import { loadIdentity } from "./state/identity";
import { restoreAgentV8Defaults } from "./v8-tuning";

/** `corral-agent`: joins the hub named by CORRAL_HUB and runs its work until SIGTERM / SIGINT. */
export async function main(_argv: string[]): Promise<void> {
  let config;
  try {
    config = loadAgentConfig();
  } catch (err) {
    if (err instanceof AgentConfigError) {
      process.stderr.write(`corral-agent: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  if (!config.joinToken && !loadIdentity(config.dataDir)) {
    process.stderr.write(
      `corral-agent: invalid configuration: CORRAL_JOIN_TOKEN is required: no node credential is stored in ${config.dataDir}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const logger = pino({ level: config.logLevel, base: { service: "corral-agent", node: config.nodeName } });
  const hardware = createHardwareCollector({
    nvidiaSmiPath: config.nvidiaSmi,
    nvidiaSmiTimeoutMs: config.nvidiaSmiTimeoutMs,
    warn: (message) => logger.warn({ component: "hardware" }, message),
  });
  // Containers are labelled with a stable key of this node (cluster + name), so a restarted agent
  // finds its own containers and agents sharing one engine never touch each other's.
  const runtime = createRuntime(config.runtime, {
    nodeId: identityNodeKey(config.cluster, config.nodeName),
    socketPath: config.dockerSocket,
    logger: logger.child({ component: "runtime" }),
    policy: config.containerPolicy,
  });
  const status = await runtime.check();
  if (!status.available)
    logger.warn(
      { reason: status.error },
      "container runtime unavailable: this node will register but cannot run work",
    );
  const agent = startAgent({
    hub: config.hub,
    cluster: config.cluster,
    nodeName: config.nodeName,
    labels: config.labels,
    joinToken: config.joinToken,
    dataDir: config.dataDir,
    ...(config.hubCaFile === undefined ? {} : { hubCaFile: config.hubCaFile }),
    keepExitedMs: config.keepExitedMs,
    runtime,
    hardware,
    logger,
  });
  // Turbofan (off since the launcher, agent/v8-tuning.ts) is back from the first tunnel on: byte
  // pumping is the agent's one hot path, and an idle agent never opens one.
  agent.link.once("tunnel", () => restoreAgentV8Defaults(process.env));
  agent.link.on("joinRefused", (err: Error) => logger.error({ reason: err.message }, "join refused"));
  // "caRefused" is logged by the link itself (hub CA refused) on every refused attempt.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping agent; task containers keep running");
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
