import { status, type Metadata } from "@grpc/grpc-js";

/**
 * How the agent retries the hub: exponential backoff with full jitter, written down once.
 * Delay for attempt n (0-based) is random in [0, min(maxMs, initialMs * multiplier^n)] but at least
 * initialMs / 2, so a fleet that lost the hub together does not come back together.
 */
export interface RetryPolicy {
  /** @default 500 ms */
  initialMs: number;
  /** @default 2 */
  multiplier: number;
  /** @default 30_000 ms */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 500, multiplier: 2, maxMs: 30_000 };

export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** attempt);
  return Math.max(policy.initialMs / 2, Math.round(random() * cap));
}

/** gRPC codes worth retrying: the hub is down, restarting, overloaded or the link broke. */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.INTERNAL,
  status.UNKNOWN,
  status.CANCELLED,
]);

export const grpcCode = (err: unknown): number | undefined =>
  typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "number"
    ? (err as { code: number }).code
    : undefined;

export const isRetryable = (err: unknown): boolean => {
  const code = grpcCode(err);
  return code === undefined || RETRYABLE_CODES.has(code);
};

/**
 * Network errors of a connection that never reached TLS (nothing listening, no route, reset), as
 * grpc-js words them in an UNAVAILABLE's details ("No connection established. Last error: ...").
 */
const UNREACHABLE_ERRNO =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN|EPIPE|ENOTFOUND|EAI_AGAIN)\b/;

/**
 * The hub could not be reached at all: no handshake happened, so no CA was presented that could
 * have changed (the agent skips its CA probe: after a hub restart, one probe per agent per attempt
 * cost the returning hub a full TLS handshake each, issue 15).
 */
export const isUnreachable = (err: unknown): boolean => {
  if (grpcCode(err) !== status.UNAVAILABLE) return false;
  const { details, message } = err as { details?: unknown; message?: unknown };
  return UNREACHABLE_ERRNO.test(`${String(details ?? "")} ${String(message ?? "")}`);
};

export const isUnauthenticated = (err: unknown): boolean => grpcCode(err) === status.UNAUTHENTICATED;

/** The hub refused a join because the node name belongs to a node with a live credential. */
export const isTakenNode = (err: unknown): boolean => grpcCode(err) === status.ALREADY_EXISTS;

/** Metadata key the hub puts on a paced join's RESOURCE_EXHAUSTED (hub/agents/gateway.ts). */
export const RETRY_AFTER_MS_KEY = "retry-after-ms";

/** The longest hinted wait the agent accepts; a larger hint is clamped. @default 300_000 ms */
const MAX_HINTED_MS = 300_000;

/**
 * How long the hub asked this agent to wait before joining again (a join storm being paced), plus
 * up to 10 % of it at random so agents given the same slot spread a little; null when the error
 * carries no such hint (then the backoff policy applies).
 */
export function hintedDelay(err: unknown, random: () => number = Math.random): number | null {
  if (grpcCode(err) !== status.RESOURCE_EXHAUSTED) return null;
  const metadata = (err as { metadata?: Metadata }).metadata;
  const raw = metadata?.get?.(RETRY_AFTER_MS_KEY)[0];
  const ms = typeof raw === "string" ? Number(raw) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) return null;
  const hinted = Math.min(ms, MAX_HINTED_MS);
  return Math.round(hinted + random() * hinted * 0.1);
}
