/** Stored credentials for pulling images from one private registry. */
export interface RegistryCredential {
  id: string;
  /** Unique name people pick it by. */
  name: string;
  /** Registry host[:port] as it appears at the start of image references. */
  address: string;
  username: string;
  /** AES-256-GCM ciphertext (SecretBox); never leaves the hub. */
  passwordSealed: string;
  owner: string;
  createdAt: number;
}
