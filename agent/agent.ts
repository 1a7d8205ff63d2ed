import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { HubLink, type HardwareSource, type HubLinkOptions } from "./link/hub-link";
import type { RetryPolicy } from "./link/retry-policy";
import { Reconciler } from "./reconciler";
import type { Runtime } from "./runtime/runtime";
import { DesiredRecord } from "./state/desired-record";

/** The agent's version, reported in Hello. */
export const AGENT_VERSION: string = readVersion();

function readVersion(): string {
  // dist/agent/agent.js -> the package root; read at start so the Hello carries the real version.
  const file = path.resolve(__dirname, "..", "..", "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

export interface AgentParts {
  hub: string;
  cluster: string;
  nodeName: string;
  labels: string[];
  joinToken: string | undefined;
  /** Identity and desired-state files; null keeps both in memory (simulated agents). */
  dataDir: string | null;
  keepExitedMs: number;
  runtime: Runtime;
  hardware: HardwareSource;
  logger: Logger;
  retry?: RetryPolicy;
  /** CORRAL_HUB_CA_FILE: the hub CA to trust; unset: pinned at the first join. */
  hubCaFile?: string;
  /** Renew the node certificate below this fraction of its lifetime left. @default 1/3 */
  certRenewFraction?: number;
  /** Makes the node's key pair (HubLinkOptions.generateKey). @default a fresh ECDSA P-256 key */
  generateKey?: HubLinkOptions["generateKey"];
}

export interface RunningAgent {
  link: HubLink;
  reconciler: Reconciler;
  runtime: Runtime;
  /** Resolves with the node id at the first Welcome. */
  welcomed(): Promise<string>;
  /** Leaves the hub; containers keep running (a restarted agent picks them up). */
  stop(): Promise<void>;
}

/** Wires one agent: desired record -> reconciler -> link. Shared by main.ts, tests and the benchmark. */
export function startAgent(parts: AgentParts): RunningAgent {
  const record = new DesiredRecord(parts.dataDir);
  let link: HubLink | null = null;
  const reconciler = new Reconciler(parts.runtime, record, (s) => link?.send(s), {
    keepExitedMs: parts.keepExitedMs,
    keepExitedMax: 100,
    logger: parts.logger,
  });
  link = new HubLink(
    {
      hub: parts.hub,
      cluster: parts.cluster,
      nodeName: parts.nodeName,
      labels: parts.labels,
      agentVersion: AGENT_VERSION,
      joinToken: parts.joinToken,
      dataDir: parts.dataDir,
      retry: parts.retry,
      logger: parts.logger,
      ...(parts.hubCaFile === undefined ? {} : { hubCaFile: parts.hubCaFile }),
      ...(parts.certRenewFraction === undefined ? {} : { certRenewFraction: parts.certRenewFraction }),
      ...(parts.generateKey === undefined ? {} : { generateKey: parts.generateKey }),
    },
    parts.hardware,
    parts.runtime,
    reconciler,
  );
  // Keep what the last desired set says running while the hub is out of reach.
  void reconciler.reconcile();
  link.start();
  const theLink = link;
  return {
    link: theLink,
    reconciler,
    runtime: parts.runtime,
    welcomed: () =>
      theLink.connected && theLink.nodeId
        ? Promise.resolve(theLink.nodeId)
        : new Promise((resolve) => theLink.once("welcome", (id: string) => resolve(id))),
    stop: async () => {
      await theLink.stop();
      await parts.runtime.close();
    },
  };
}
