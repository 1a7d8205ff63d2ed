/**
 * systeminformation, loaded only while a fingerprint runs and released after it: the agent needs
 * it at each Hello (a connection or reconnection), never while idle, and holding its 20-odd
 * modules costs an idle agent ~2 MiB (issue 15, agent footprint). Re-loading it at a reconnect
 * costs a few tens of ms of CPU.
 */
import path from "node:path";
import type * as Si from "systeminformation";

export type SystemInformation = typeof Si;

let held: SystemInformation | null = null;
/** Fingerprints using the library right now; it is released when the last one ends. */
let users = 0;

/** Runs `fn` with systeminformation loaded; unloads it when no other call still uses it. */
export async function withSystemInformation<T>(fn: (si: SystemInformation) => Promise<T>): Promise<T> {
  users++;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred CommonJS load, see above
    held ??= require("systeminformation") as SystemInformation;
    return await fn(held);
  } finally {
    if (--users === 0) release();
  }
}

/** Whether systeminformation is loaded now (tests). */
export function systemInformationLoaded(): boolean {
  return held !== null;
}

/** Drops our reference and the library's modules from the require cache, so GC can take them. */
function release(): void {
  held = null;
  const dir = path.dirname(require.resolve("systeminformation")) + path.sep;
  for (const file of Object.keys(require.cache)) if (file.startsWith(dir)) delete require.cache[file];
}
