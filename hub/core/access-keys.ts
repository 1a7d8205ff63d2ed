import crypto from "node:crypto";
import type { AccessKey } from "./access-key-model";
import type { Principal } from "./auth";
import type { Clock } from "./clock";
import { ConflictError, NotFoundError, UnauthenticatedError, UserNotActiveError } from "./errors";
import type { User } from "./model";
import type { Store } from "./repositories";
import type { SecretBox } from "./secret-box";

export type { AccessKey } from "./access-key-model";

/** Keys a user may hold at once (IAM's limit). */
export const MAX_ACCESS_KEYS_PER_USER = 2;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALPHANUMERIC = `${ALPHABET}abcdefghijklmnopqrstuvwxyz`;

/** `length` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias). */
function randomText(alphabet: string, length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.randomBytes(length * 2)) {
      if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Permanent access keys: what Huawei Cloud SDK clients sign with. A key stands for its user on
 * every surface that checks signatures (ModelArts); the secret is sealed at rest and opened only
 * to verify a signature.
 */
export class AccessKeyService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Makes a key for `user`; the secret is returned here and never again. */
  create(user: User, description = ""): { key: AccessKey; secret: string } {
    if (this.list(user.id).length >= MAX_ACCESS_KEYS_PER_USER)
      throw new ConflictError(
        `user ${user.username} already has ${MAX_ACCESS_KEYS_PER_USER} access keys: delete one first`,
      );
    const secret = randomText(ALPHANUMERIC, 40);
    const key: AccessKey = {
      id: randomText(ALPHABET, 20),
      userId: user.id,
      description,
      secretSealed: this.box.seal(secret),
      status: "active",
      createdAt: this.clock.now(),
    };
    this.store.accessKeys.insert(key);
    return { key, secret };
  }

  /** Oldest first; every user's when `userId` is not given. */
  list(userId?: string): AccessKey[] {
    return this.store.accessKeys.list().filter((k) => userId === undefined || k.userId === userId);
  }

  find(id: string): AccessKey | undefined {
    return this.store.accessKeys.byId(id);
  }

  get(id: string): AccessKey {
    const key = this.find(id);
    if (!key) throw new NotFoundError("access key", id);
    return key;
  }

  delete(key: AccessKey): void {
    this.store.accessKeys.delete(key.id);
  }

  /**
   * The caller a key stands for and the secret to check its signature with. Refuses
   * (UnauthenticatedError) an unknown or inactive key, and a user who is not active. The
   * principal's token is the key itself (kind "application", never expiring): revoking it is
   * deleting the key.
   */
  signer(id: string): { principal: Principal; secret: string } {
    const key = this.find(id);
    if (!key || key.status !== "active") throw new UnauthenticatedError("unknown access key");
    const user = this.store.users.byId(key.userId);
    if (!user) throw new UnauthenticatedError("access key's user no longer exists");
    if (user.status !== "active") throw new UserNotActiveError(user.status);
    const token = {
      id: `access-key:${key.id}`,
      userId: user.id,
      kind: "application" as const,
      createdAt: key.createdAt,
      expiresAt: null,
      revokedAt: null,
    };
    return { principal: { user, token }, secret: this.box.open(key.secretSealed) };
  }
}
