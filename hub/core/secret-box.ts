import crypto from "node:crypto";
import type { SettingsRepository } from "./repositories";

const KEY_SETTING = "otestack_secret_key";

/**
 * Seals secrets (external repository passwords) with AES-256-GCM. The 32-byte key is generated at
 * first start and kept in the store's settings, like the token signing key. Sealed form:
 * `v1:<iv b64>:<tag b64>:<ciphertext b64>`.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(settings: SettingsRepository) {
    let hex = settings.get(KEY_SETTING);
    if (!hex) {
      hex = crypto.randomBytes(32).toString("hex");
      settings.set(KEY_SETTING, hex);
    }
    this.key = Buffer.from(hex, "hex");
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
    const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  }
}
