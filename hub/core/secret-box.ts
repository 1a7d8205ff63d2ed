import crypto from "node:crypto";
import type { KeyRing } from "./key-ring";

/**
 * Seals secrets (registry passwords, job registry credentials) with AES-256-GCM under the
 * `secret-sealing` key. Sealed form: `v1:<iv b64>:<tag b64>:<ciphertext b64>`. Opening tries the
 * current key, then the previous ones (a rotation keeps them until every secret is sealed anew).
 */
export class SecretBox {
  private readonly key: Buffer;
  private readonly older: Buffer[];

  constructor(keys: KeyRing) {
    this.key = Buffer.from(keys.current("secret-sealing"), "hex");
    this.older = keys.previous("secret-sealing").map((k) => Buffer.from(k, "hex"));
  }

  seal(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [
      "v1",
      iv.toString("base64"),
      cipher.getAuthTag().toString("base64"),
      data.toString("base64"),
    ].join(":");
  }

  open(sealed: string): string {
    const [v, iv, tag, data] = sealed.split(":");
    if (v !== "v1" || !iv || !tag || data === undefined) throw new Error("unknown sealed secret format");
    let failure: unknown;
    for (const key of [this.key, ...this.older]) {
      try {
        const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
        decipher.setAuthTag(Buffer.from(tag, "base64"));
        return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString(
          "utf8",
        );
      } catch (err) {
        failure = err;
      }
    }
    throw failure;
  }

  /** True when `sealed` is sealed under the current key (a rotation re-seals the others). */
  isCurrent(sealed: string): boolean {
    const [, iv, tag, data] = sealed.split(":");
    if (!iv || !tag || data === undefined) return false;
    try {
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      decipher.update(Buffer.from(data, "base64"));
      decipher.final();
      return true;
    } catch {
      return false;
    }
  }
}
