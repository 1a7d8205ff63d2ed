import type { Clock } from "./clock";
import { NotFoundError, UnauthenticatedError, ValidationError } from "./errors";
import { checkAllowance } from "./label-allowance";
import type { JoinToken } from "./model";
import type { Store } from "./repositories";
import { digestsEqual, newId, newSecret, sha256 } from "./secrets";
import { formatJoinToken, parseJoinToken } from "../../lib/pki/join-token";

/** Join tokens read `<id>.<secret>`; the hub keeps only the secret's hash. */
const SEPARATOR = ".";

export class JoinTokenService {
  /**
   * `caFingerprint`: the hub CA's SHA-256 (hex); given, created tokens read
   * `K10<fingerprint>::<id>.<secret>` so the agent can verify the hub before it sends the secret.
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly caFingerprint: string | null = null,
  ) {}

  /** The text an agent is given for `secret`: with the CA fingerprint when the hub has a CA. */
  present(secret: string): string {
    return this.caFingerprint === null ? secret : formatJoinToken(this.caFingerprint, secret);
  }

  /** `allowedLabels`: label patterns its nodes may set themselves (label-allowance.ts); absent: any. */
  create(input: {
    description?: string;
    ttlSeconds?: number;
    cluster?: string | null;
    secret?: string;
    allowedLabels?: string[];
  }): {
    token: string;
    record: JoinToken;
  } {
    if (input.ttlSeconds !== undefined && (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds <= 0)) {
      throw new ValidationError("ttlSeconds", "must be a positive integer");
    }
    const now = this.clock.now();
    const id = newId();
    const secret = input.secret ?? newSecret();
    const allowedLabels = input.allowedLabels === undefined ? null : checkAllowance(input.allowedLabels);
    const record: JoinToken = {
      id,
      description: input.description ?? "",
      cluster: input.cluster ?? null,
      secretHash: sha256(secret),
      createdAt: now,
      expiresAt: input.ttlSeconds === undefined ? null : now + input.ttlSeconds * 1000,
      revokedAt: null,
      lastUsedAt: null,
      ...(allowedLabels === null ? {} : { allowedLabels }),
    };
    this.store.joinTokens.insert(record);
    return { token: this.present(`${id}${SEPARATOR}${secret}`), record };
  }

  /**
   * Registers a token whose full text an operator chose (CORRAL_BOOTSTRAP_JOIN_TOKEN). Its id is the
   * hash prefix, so starting again with the same value finds it instead of adding another.
   */
  ensureBootstrap(token: string): JoinToken {
    const id = `bootstrap-${sha256(token).slice(0, 16)}`;
    const existing = this.store.joinTokens.byId(id);
    if (existing) return existing;
    const record: JoinToken = {
      id,
      description: "bootstrap (CORRAL_BOOTSTRAP_JOIN_TOKEN)",
      cluster: null,
      secretHash: sha256(token),
      createdAt: this.clock.now(),
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    };
    this.store.joinTokens.insert(record);
    return record;
  }

  list(): JoinToken[] {
    return this.store.joinTokens.list();
  }

  get(id: string): JoinToken {
    const t = this.store.joinTokens.byId(id);
    if (!t) throw new NotFoundError("join token", id);
    return t;
  }

  revoke(id: string): JoinToken {
    const t = this.get(id);
    if (t.revokedAt !== null) return t;
    const revoked = { ...t, revokedAt: this.clock.now() };
    this.store.joinTokens.update(revoked);
    return revoked;
  }

  isValid(t: JoinToken): boolean {
    return t.revokedAt === null && (t.expiresAt === null || t.expiresAt > this.clock.now());
  }

  /** Checks a presented token and records its use; throws UnauthenticatedError with the reason. */
  redeem(token: string): JoinToken {
    const parsed = parseJoinToken(token);
    if (
      parsed.caFingerprint !== null &&
      this.caFingerprint !== null &&
      parsed.caFingerprint !== this.caFingerprint
    )
      throw new UnauthenticatedError("join token was made for another hub CA");
    const record = this.lookup(parsed.secret);
    if (!record) throw new UnauthenticatedError("unknown join token");
    if (record.revokedAt !== null) throw new UnauthenticatedError("join token revoked");
    if (record.expiresAt !== null && record.expiresAt <= this.clock.now()) {
      throw new UnauthenticatedError("join token expired");
    }
    const used = { ...record, lastUsedAt: this.clock.now() };
    this.store.joinTokens.update(used);
    return used;
  }

  private lookup(token: string): JoinToken | undefined {
    const hash = sha256(token);
    const bootstrap = this.store.joinTokens.byId(`bootstrap-${hash.slice(0, 16)}`);
    if (bootstrap && digestsEqual(bootstrap.secretHash, hash)) return bootstrap;
    const dot = token.indexOf(SEPARATOR);
    if (dot <= 0) return undefined;
    const record = this.store.joinTokens.byId(token.slice(0, dot));
    return record && digestsEqual(record.secretHash, sha256(token.slice(dot + 1))) ? record : undefined;
  }
}
