/**
 * What the hub records about its own registry (CORRAL_REGISTRY_URL) beyond what the registry
 * itself stores: a user's account for it and the projects (first path segments of image names)
 * people created, with their visibility. Times are Unix ms.
 */

/** A hub user's login to the hub's registry; one per user. */
export interface RegistryAccount {
  userId: string;
  /** The registry login, unique over every account. */
  username: string;
  /** AES-256-GCM ciphertext (SecretBox); never leaves the hub. */
  passwordSealed: string;
  createdAt: number;
  updatedAt: number;
}

/** A project of the hub's registry: images named `<name>/...` belong to it. */
export interface RegistryProject {
  id: string;
  /** 1-255 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit. */
  name: string;
  /** Public projects are seen by every user; private ones by their owner and administrators. */
  public: boolean;
  /** Username of the user who created it. */
  owner: string;
  createdAt: number;
}
