import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write";

/** Node's ticketKeys: 16 bytes key name, 16 bytes HMAC secret, 16 bytes AES key. */
const TICKET_KEYS_BYTES = 48;
/** A key file older than this is replaced at start. @default 7 days */
export const TICKET_KEYS_MAX_AGE_MS = 7 * 86_400_000;
/**
 * How long a session ticket the hub issues may be resumed (Node's sessionTimeout; its default is
 * 300 s). @default 86_400 s (one day; TLS 1.3 allows up to seven)
 */
export const SESSION_LIFETIME_S = 86_400;

/**
 * The AgentLink TLS server's session ticket keys, kept as `<dataDir>/tls/session-ticket.keys`
 * (0600, beside the CA key) so tickets issued before a restart still resume after it: a hub
 * restart makes every agent reconnect at once, and a resumed handshake costs the hub about a
 * quarter less CPU and the agent about half (agent/link/resuming-credentials.ts, issue 15).
 *
 * Made on first start; replaced at start when missing, malformed or older than `maxAgeMs` (tickets
 * under the old key then take a full handshake once). A hub running longer keeps its key until its
 * next start. Who holds this key could mint sessions, so it is kept like the CA key, which mints
 * node certificates; an agent still needs its node credential on every Connect, and the
 * certificate a session carries is checked (unrevoked, unexpired) each time.
 */
export function sessionTicketKeys(
  tlsDir: string,
  now: number = Date.now(),
  maxAgeMs: number = TICKET_KEYS_MAX_AGE_MS,
): Buffer {
  const file = path.join(tlsDir, "session-ticket.keys");
  try {
    const stat = fs.statSync(file);
    const keys = fs.readFileSync(file);
    if (keys.length === TICKET_KEYS_BYTES && now - stat.mtimeMs < maxAgeMs) {
      fs.chmodSync(file, 0o600);
      return keys;
    }
  } catch {
    // none yet, or unreadable: make new keys
  }
  const keys = crypto.randomBytes(TICKET_KEYS_BYTES);
  writeFileAtomic(file, keys, 0o600);
  return keys;
}
