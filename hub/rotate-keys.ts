import { createCore } from "./core";
import { systemClock } from "./core/clock";
import { FileKeyRing, securePermissions } from "./store/key-files";
import { openSqliteStore } from "./store/sqlite-store";

/** What a rotation did. */
export interface RotationResult {
  signing: boolean;
  sealing: boolean;
  /** Stored secrets sealed anew under the new sealing key. */
  resealed: number;
}

/**
 * `corral-hub rotate-keys [--signing] [--sealing]`, run against the data dir while the hub is
 * stopped (a running hub keeps the keys it read at start).
 * - signing: a new token-signing key; every token issued before ends (users log in again,
 *   application tokens are made anew). Node credentials and join tokens are not JWTs: agents
 *   keep working.
 * - sealing: a new sealing key; every registry credential is sealed anew with it. The previous
 *   key stays in the key file for opening what only surfaces hold (OpenPAI job registry
 *   credentials, sealed for the job's life).
 */
export function rotateKeys(dataDir: string, which: { signing: boolean; sealing: boolean }): RotationResult {
  const store = openSqliteStore(dataDir);
  try {
    securePermissions(dataDir);
    const keys = new FileKeyRing(dataDir, store.settings);
    if (which.signing) keys.rotate("token-signing", false);
    let resealed = 0;
    if (which.sealing) {
      keys.rotate("secret-sealing", true);
      const core = createCore(store, systemClock, { downAfterMs: 60_000, metricsSampleMs: 0, keys });
      resealed = core.registryCredentials.resealAll();
    }
    return { signing: which.signing, sealing: which.sealing, resealed };
  } finally {
    store.close();
  }
}
