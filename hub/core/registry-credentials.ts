import type { Clock } from "./clock";
import type { RegistryCredential } from "./registry-credential-model";
import type { RegistryAuth } from "./desired";
import { ConflictError, NotFoundError } from "./errors";
import type { Store } from "./repositories";
import type { SecretBox } from "./secret-box";

export type { RegistryCredential } from "./registry-credential-model";
import { newId } from "./secrets";

/** The pullSecret name (TaskRole.pullSecret) that makes a task pull with a stored credential. */
export const REGISTRY_CREDENTIAL_PREFIX = "registry-credential/";
export const pullSecretOf = (credentialId: string): string => `${REGISTRY_CREDENTIAL_PREFIX}${credentialId}`;

/**
 * Registry credentials, sealed at rest and opened only when a task that names one is sent to its
 * agent (DesiredState resolves the pullSecret through `resolve`).
 */
export class RegistryCredentialService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Oldest first. */
  list(): RegistryCredential[] {
    return this.store.registryCredentials.list();
  }

  find(id: string): RegistryCredential | undefined {
    return this.list().find((c) => c.id === id);
  }

  get(id: string): RegistryCredential {
    const c = this.find(id);
    if (!c) throw new NotFoundError("registry credential", id);
    return c;
  }

  create(input: { name: string; address: string; username: string; password: string; owner: string }) {
    if (this.list().some((c) => c.name === input.name))
      throw new ConflictError(`registry credential ${input.name} already exists`);
    const credential: RegistryCredential = {
      id: newId(),
      name: input.name,
      address: input.address,
      username: input.username,
      passwordSealed: this.box.seal(input.password),
      owner: input.owner,
      createdAt: this.clock.now(),
    };
    this.store.registryCredentials.insert(credential);
    return credential;
  }

  /** Refused while a service template, or the revision a live service runs, pulls with it. */
  delete(credential: RegistryCredential): void {
    const template = this.store.serviceTemplates
      .list()
      .find((t) => t.spec.registryCredentialId === credential.id);
    if (template)
      throw new ConflictError(
        `registry credential ${credential.name} is used by template ${template.name}:${template.version}`,
      );
    const service = this.store.replicatedServices
      .list()
      .find(
        (s) =>
          s.deletedAt === null &&
          s.revisions.some((r) => r.number === s.current && r.spec.registryCredentialId === credential.id),
      );
    if (service)
      throw new ConflictError(`registry credential ${credential.name} is used by service ${service.name}`);
    this.store.registryCredentials.delete(credential.id);
  }

  /**
   * Seals every stored password anew under the current sealing key (after a rotation, when the
   * box still opens the previous key's). Returns how many were sealed anew.
   */
  resealAll(): number {
    let n = 0;
    this.store.transaction(() => {
      for (const c of this.store.registryCredentials.list()) {
        if (this.box.isCurrent(c.passwordSealed)) continue;
        this.store.registryCredentials.updateSealed(c.id, this.box.seal(this.box.open(c.passwordSealed)));
        n += 1;
      }
    });
    return n;
  }

  /** Credentials a pullSecret name stands for; null when it names none (any more). */
  resolve(pullSecret: string): RegistryAuth | null {
    if (!pullSecret.startsWith(REGISTRY_CREDENTIAL_PREFIX)) return null;
    const c = this.find(pullSecret.slice(REGISTRY_CREDENTIAL_PREFIX.length));
    return c
      ? { serverAddress: c.address, username: c.username, password: this.box.open(c.passwordSealed) }
      : null;
  }
}
