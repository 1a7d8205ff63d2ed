import type { Clock } from "./clock";
import type { AuditEvent } from "./model";
import type { AuditRepository } from "./repositories";

/** How long audit events are kept. @default 90 days */
export const AUDIT_RETENTION_MS = 90 * 24 * 3600 * 1000;

/** What a caller tells the audit trail about itself (from the request). */
export interface AuditSource {
  /** The caller's network address. */
  address?: string | undefined;
}

/**
 * The audit trail of security events: logins (succeeded, failed, throttled), token creation and
 * revocation, every token of a user revoked at once (password change or reset). Never holds a
 * secret: tokens are named by id.
 */
export class AuditLog {
  private appended = 0;

  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  record(event: {
    type: string;
    username?: string | null;
    source?: AuditSource | undefined;
    tokenId?: string | null;
    detail?: string;
  }): void {
    const at = this.clock.now();
    this.repo.append({
      at,
      type: event.type,
      username: event.username ?? null,
      address: event.source?.address ?? null,
      tokenId: event.tokenId ?? null,
      detail: event.detail ?? "",
    });
    // Old events go now and then, not on every write.
    this.appended += 1;
    if (this.appended % 1000 === 0) this.repo.prune(at - AUDIT_RETENTION_MS);
  }

  /** Newest first. @default 100 events */
  recent(limit = 100): AuditEvent[] {
    return this.repo.recent(limit);
  }
}
