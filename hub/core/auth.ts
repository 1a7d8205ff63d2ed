import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import type { Clock } from "./clock";
import { UnauthenticatedError, UserNotActiveError } from "./errors";
import type { TokenKind, TokenRecord, User } from "./model";
import { verifyPassword } from "./passwords";
import type { Store } from "./repositories";
import { newId, newSecret } from "./secrets";

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
 * One token system for every surface: HS256 JWTs whose `jti` names a server-side record, so any
 * token can be revoked. The signing key is generated at first start and kept in the store.
 */
export class AuthService {
  /**
   * The key as a KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM public
   * key on every verify (~0.5 ms, the largest cost of an authenticated request).
   */
  private readonly key: crypto.KeyObject;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    let key = store.settings.get("token_signing_key");
    if (!key) {
      key = newSecret(48);
      store.settings.set("token_signing_key", key);
    }
    this.key = crypto.createSecretKey(Buffer.from(key, "utf8"));
  }

  async login(
    username: string,
    password: string,
    ttlSec = DEFAULT_LOGIN_TTL_SEC,
  ): Promise<{ token: string; record: TokenRecord; user: User }> {
    const user = this.store.users.byUsername(username);
    // Same message for both cases so usernames cannot be probed.
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new UnauthenticatedError("invalid username or password");
    }
    requireActive(user);
    return { ...this.issue(user, "login", ttlSec), user };
  }

  /** Issues a token; `ttlSec` null means it never expires (application tokens). */
  issue(user: User, kind: TokenKind, ttlSec: number | null): { token: string; record: TokenRecord } {
    const now = this.clock.now();
    const record: TokenRecord = {
      id: newId(),
      userId: user.id,
      kind,
      createdAt: now,
      expiresAt: ttlSec === null ? null : now + ttlSec * 1000,
      revokedAt: null,
    };
    this.store.tokens.insert(record);
    return { token: this.sign(user, record), record };
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

  /** Verifies signature, expiry and revocation; throws UnauthenticatedError otherwise. */
  authenticate(token: string): Principal {
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
    return { user, token: record };
  }

  /** Decodes a verified token's claims (for surfaces that echo them back). */
  claims(token: string): TokenClaims {
    return jwt.decode(token) as TokenClaims;
  }

  revoke(tokenId: string): void {
    this.store.tokens.revoke(tokenId, this.clock.now());
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
