/**
 * A permanent access key (AK/SK) of a user: the pair Huawei Cloud's SDKs sign requests with
 * (ModelArts `SDK-HMAC-SHA256`). The secret is shown once, at creation, and kept sealed.
 */
export interface AccessKey {
  /** The access key id (AK): 20 upper-case letters and digits, as IAM makes them. */
  id: string;
  userId: string;
  description: string;
  /** AES-256-GCM ciphertext of the 40-character secret (SecretBox); never leaves the hub. */
  secretSealed: string;
  /** Only an active key verifies a signature. */
  status: "active" | "inactive";
  createdAt: number;
}
