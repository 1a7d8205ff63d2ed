import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import type { User, UserStatus } from "./model";
import { hashPassword } from "./passwords";
import type { Store } from "./repositories";
import { newId, newSecret } from "./secrets";

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** @default 6: the shortest password any surface accepts; surfaces may demand more. */
const MIN_PASSWORD = 6;

export interface NewUser {
  username: string;
  password: string;
  admin?: boolean;
  email?: string;
  groups?: string[];
  /** @default "active"; self-registration creates "pending" users. */
  status?: UserStatus;
  extension?: Record<string, unknown>;
}

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(input: NewUser): Promise<User> {
    if (!USERNAME.test(input.username)) {
      throw new ValidationError(
        "username",
        "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit",
      );
    }
    checkPassword(input.password);
    if (this.store.users.byUsername(input.username)) {
      throw new ConflictError(`user ${input.username} already exists`);
    }
    const now = this.clock.now();
    const user: User = {
      id: newId(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      admin: input.admin ?? false,
      email: input.email ?? "",
      groups: input.groups ?? [],
      status: input.status ?? "active",
      extension: input.extension ?? {},
      createdAt: now,
      updatedAt: now,
    };
    // Re-check after the await: another request may have created the same name meanwhile.
    if (this.store.users.byUsername(input.username))
      throw new ConflictError(`user ${input.username} already exists`);
    this.store.users.insert(user);
    return user;
  }

  get(username: string): User {
    const user = this.store.users.byUsername(username);
    if (!user) throw new NotFoundError("user", username);
    return user;
  }

  find(username: string): User | undefined {
    return this.store.users.byUsername(username);
  }

  list(): User[] {
    return this.store.users.list();
  }

  save(user: User): User {
    const updated = { ...user, updatedAt: this.clock.now() };
    this.store.users.update(updated);
    return updated;
  }

  /** Sets the user's standing; a user no longer active is refused at once by core.auth. */
  setStatus(user: User, status: UserStatus): User {
    return this.save({ ...user, status });
  }

  async setPassword(user: User, password: string): Promise<User> {
    checkPassword(password);
    return this.save({ ...user, passwordHash: await hashPassword(password) });
  }

  remove(user: User): void {
    this.store.users.delete(user.id);
  }

  /**
   * Makes sure the first-start admin exists. Returns the generated password when none was given and
   * the admin was created now (printed once by the caller), otherwise null.
   */
  async ensureAdmin(
    username: string,
    password: string | undefined,
  ): Promise<{ created: boolean; generatedPassword: string | null }> {
    if (this.store.users.byUsername(username)) return { created: false, generatedPassword: null };
    const generated = password === undefined ? newSecret(12) : null;
    await this.create({ username, password: password ?? (generated as string), admin: true });
    return { created: true, generatedPassword: generated };
  }
}

function checkPassword(password: string): void {
  if (typeof password !== "string" || password.length < MIN_PASSWORD) {
    throw new ValidationError("password", `must be at least ${MIN_PASSWORD} characters`);
  }
}
