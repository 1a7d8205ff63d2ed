import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import type { AuditLog, AuditSource } from "./audit";
import type { Clock } from "./clock";
import type { KeyRing } from "./key-ring";
import { ForbiddenError, RateLimitedError, UnauthenticatedError, UserNotActiveError } from "./errors";
import { LoginThrottle } from "./login-throttle";
import type { TokenKind, TokenRecord, User } from "./model";
import { verifyPassword } from "./passwords";
import type { Store } from "./repositories";
import { newId } from "./secrets";

/** Who is calling: the user and the token they presented. */
export interface Principal {
  user: User;
  token: TokenRecord;
}

export interface TokenClaims {
  sub: string;
  username: string;
  kind: TokenKind;
  jti: string;
  iat: number;
  exp?: number;
}

/** @default 7 days, as OpenPAI's login default. */
export const DEFAULT_LOGIN_TTL_SEC = 7 * 24 * 3600;

/**
 * A long-lived (application) token may be made only by a token whose password login is at most
 * this old: a stolen short-lived token cannot be turned into a never-expiring one.
 * @default 15 minutes
 */
export const FRESH_LOGIN_MS = 15 * 60 * 1000;

/**
 * One token system for every surface: HS256 JWTs whose `jti` names a server-side record, so any
 * token can be revoked. The signing key is generated at first start and kept in its own file.
 */
export class AuthService {
  /**
   * The key as a KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM public
   * key on every verify (~0.5 ms, the largest cost of an authenticated request).
   */
  private readonly key: crypto.KeyObject;

  private readonly throttle: LoginThrottle;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    keys: KeyRing,
    throttle?: LoginThrottle,
  ) {
    this.throttle = throttle ?? new LoginThrottle(clock);
    // Only the current key verifies: rotating the signing key ends every token (docs/security.md).
    this.key = crypto.createSecretKey(Buffer.from(keys.current("token-signing"), "utf8"));
  }

  /**
   * A password login, on any surface. Failures slow the username and the address down
   * (LoginThrottle: 429 RateLimitedError with the seconds to wait); every outcome is audited.
   */
  async login(
    username: string,
    password: string,
    ttlSec = DEFAULT_LOGIN_TTL_SEC,
    source: AuditSource = {},
  ): Promise<{ token: string; record: TokenRecord; user: User }> {
    const user = await this.checkPassword(username, password, source);
    const issued = this.issue(user, "login", ttlSec, this.clock.now());
    this.audit.record({ type: "login.succeeded", username, source, tokenId: issued.record.id });
    return { ...issued, user };
  }

  /**
   * Checks a username and password (throttled and audited like a login) without issuing a token;
   * the user when they match and the user is active.
   */
  async checkPassword(username: string, password: string, source: AuditSource = {}): Promise<User> {
    const wait = this.throttle.wait(username, source.address);
    if (wait !== null) {
      this.audit.record({ type: "login.throttled", username, source, detail: `retry after ${wait} s` });
      throw new RateLimitedError(`too many failed logins: retry in ${wait} s`, wait);
    }
    const user = this.store.users.byUsername(username);
    // Same message for both cases so usernames cannot be probed.
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      this.throttle.failed(username, source.address);
      this.audit.record({ type: "login.failed", username, source });
      throw new UnauthenticatedError("invalid username or password");
    }
    this.throttle.succeeded(username);
    requireActive(user);
    return user;
  }

  /**
   * Issues a token; `ttlSec` null means it never expires (application tokens). `authAt`: when
   * the password login it descends from happened (a login: now; a refresh: the refreshed
   * token's), absent when none.
   */
  issue(
    user: User,
    kind: TokenKind,
    ttlSec: number | null,
    authAt?: number,
  ): { token: string; record: TokenRecord } {
    const now = this.clock.now();
    const record: TokenRecord = {
      id: newId(),
      userId: user.id,
      kind,
      createdAt: now,
      expiresAt: ttlSec === null ? null : now + ttlSec * 1000,
      revokedAt: null,
      ...(authAt === undefined ? {} : { authAt }),
    };
    this.store.tokens.insert(record);
    return { token: this.sign(user, record), record };
  }

  /**
   * A never-expiring application token for the caller. Only a login token whose password login
   * is at most FRESH_LOGIN_MS old may make one (not an application, refresh or stale token).
   */
  issueApplication(caller: Principal, source: AuditSource = {}): { token: string; record: TokenRecord } {
    const authAt = caller.token.authAt;
    if (!this.isFreshLogin(caller) || authAt === undefined)
      throw new ForbiddenError(
        `creating an application token needs a fresh login: log in with your password again (within ${FRESH_LOGIN_MS / 60_000} minutes)`,
      );
    const issued = this.issue(caller.user, "application", null, authAt);
    this.audit.record({
      type: "token.created",
      username: caller.user.username,
      source,
      tokenId: issued.record.id,
      detail: "application",
    });
    return issued;
  }

  /** True when `caller` is a login token whose password login is at most FRESH_LOGIN_MS old. */
  isFreshLogin(caller: Principal): boolean {
    const authAt = caller.token.authAt;
    return (
      caller.token.kind === "login" && authAt !== undefined && this.clock.now() - authAt <= FRESH_LOGIN_MS
    );
  }

  /**
   * Trades a refresh token for its user (the refresh token is revoked: each is used once) and
   * when its password login happened. Any other kind of token is refused.
   */
  redeemRefresh(token: string, source: AuditSource = {}): { user: User; authAt?: number } {
    const { user, record } = this.verify(token);
    if (record.kind !== "refresh") throw new UnauthenticatedError("not a refresh token");
    this.store.tokens.revoke(record.id, this.clock.now());
    this.audit.record({ type: "token.refreshed", username: user.username, source, tokenId: record.id });
    return record.authAt === undefined ? { user } : { user, authAt: record.authAt };
  }

  /**
   * The token text of a record, signed again: the claims follow from the record, so the text is
   * the one issued and no token needs to be stored (OpenPAI lists a user's tokens to the user).
   */
  tokenText(record: TokenRecord): string | undefined {
    const user = this.store.users.byId(record.userId);
    return user && this.sign(user, record);
  }

  private sign(user: User, record: TokenRecord): string {
    const claims: Omit<TokenClaims, "exp"> & { exp?: number } = {
      sub: user.id,
      username: user.username,
      kind: record.kind,
      jti: record.id,
      iat: Math.floor(record.createdAt / 1000),
    };
    if (record.expiresAt !== null) claims.exp = Math.floor(record.expiresAt / 1000);
    return jwt.sign(claims, this.key, { algorithm: "HS256", noTimestamp: true });
  }

  /**
   * Verifies signature, expiry, revocation and the user's status; throws UnauthenticatedError
   * otherwise. A refresh token is no access token: it is refused here (redeemRefresh takes it).
   */
  authenticate(token: string): Principal {
    const { user, record } = this.verify(token);
    if (record.kind === "refresh") throw new UnauthenticatedError("a refresh token is not an access token");
    return { user, token: record };
  }

  /** A live token of any kind: its user and record. */
  private verify(token: string): { user: User; record: TokenRecord } {
    let claims: TokenClaims;
    try {
      claims = jwt.verify(token, this.key, {
        algorithms: ["HS256"],
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      }) as TokenClaims;
    } catch (err) {
      throw new UnauthenticatedError(
        err instanceof jwt.TokenExpiredError ? "token expired" : "invalid token",
      );
    }
    const record = this.store.tokens.byId(claims.jti);
    if (!record || record.revokedAt !== null) throw new UnauthenticatedError("token revoked");
    const user = this.store.users.byId(record.userId);
    if (!user) throw new UnauthenticatedError("token's user no longer exists");
    // Checked on every use, so a token of a user disabled after it was issued stops at once.
    requireActive(user);
    return { user, record };
  }

  /** Decodes a verified token's claims (for surfaces that echo them back). */
  claims(token: string): TokenClaims {
    return jwt.decode(token) as TokenClaims;
  }

  revoke(tokenId: string, source: AuditSource = {}): void {
    const record = this.store.tokens.byId(tokenId);
    this.store.tokens.revoke(tokenId, this.clock.now());
    if (record)
      this.audit.record({
        type: "token.revoked",
        username: this.store.users.byId(record.userId)?.username ?? null,
        source,
        tokenId,
        detail: record.kind,
      });
  }

  /**
   * Revokes every token of the user, of every kind (login, refresh, application), except
   * `keepTokenId`: after a password change or reset, or when the user may no longer log in.
   * Returns how many.
   */
  revokeAllTokens(userId: string, keepTokenId?: string, reason = "password changed"): number {
    const now = this.clock.now();
    let n = 0;
    for (const kind of ["login", "refresh", "application"] as const)
      n += this.store.tokens.revokeAllForUser(userId, kind, now, keepTokenId);
    this.audit.record({
      type: "tokens.revoked",
      username: this.store.users.byId(userId)?.username ?? null,
      detail: `${n} tokens: ${reason}`,
    });
    return n;
  }

  /** Revokes the user's other login tokens (after a password change). */
  revokeOtherLogins(userId: string, keepTokenId?: string): number {
    return this.store.tokens.revokeAllForUser(userId, "login", this.clock.now(), keepTokenId);
  }

  liveTokens(userId: string): TokenRecord[] {
    const now = this.clock.now();
    return this.store.tokens
      .listForUser(userId)
      .filter((t) => t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now));
  }
}

/** Only active users log in or use tokens, on every surface. */
function requireActive(user: User): void {
  if (user.status !== "active") throw new UserNotActiveError(user.status);
}
