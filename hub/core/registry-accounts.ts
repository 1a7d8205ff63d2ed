import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import type { RegistryAccount } from "./hub-registry-model";
import type { Store } from "./repositories";
import type { SecretBox } from "./secret-box";

export type { RegistryAccount } from "./hub-registry-model";

/** Registry logins: letters, digits, '_', '.' or '-' (1-255, Harbor's limit). */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/**
 * Users' accounts for the hub's registry (one per user), passwords sealed at rest. The hub keeps
 * the record; a registry that authenticates is given the same logins by whoever runs it.
 */
export class RegistryAccountService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** The user's account; undefined when they have none. */
  of(userId: string): RegistryAccount | undefined {
    return this.store.registryAccounts.byUser(userId);
  }

  /** One account per user, and one user per login (409 otherwise). */
  create(input: { userId: string; username: string; password: string }): RegistryAccount {
    if (!LOGIN.test(input.username))
      throw new ValidationError("username", "must be 1-255 letters, digits, '_', '.' or '-'");
    if (input.password === "") throw new ValidationError("password", "is required");
    if (this.of(input.userId)) throw new ConflictError("this user has a registry account already");
    if (this.store.registryAccounts.byUsername(input.username))
      throw new ConflictError(`registry account ${input.username} already exists`);
    const now = this.clock.now();
    const account: RegistryAccount = {
      userId: input.userId,
      username: input.username,
      passwordSealed: this.box.seal(input.password),
      createdAt: now,
      updatedAt: now,
    };
    this.store.registryAccounts.insert(account);
    return account;
  }

  /** Sets the password of the user's account; 404 when they have none. */
  setPassword(userId: string, password: string): RegistryAccount {
    const account = this.of(userId);
    if (!account) throw new NotFoundError("registry account of user", userId);
    if (password === "") throw new ValidationError("password", "is required");
    const next = { ...account, passwordSealed: this.box.seal(password), updatedAt: this.clock.now() };
    this.store.registryAccounts.update(next);
    return next;
  }
}
