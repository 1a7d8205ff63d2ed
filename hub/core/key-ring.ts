import crypto from "node:crypto";
import type { SettingsRepository } from "./repositories";
import { newSecret } from "./secrets";

/**
 * The hub's secret keys, by name:
 * - `token-signing`: HMAC key of every JWT (text used as its UTF-8 bytes);
 * - `secret-sealing`: AES-256-GCM key sealing stored secrets (64 hex digits);
 * - `tunnel-url`: HMAC key of signed tunnel URLs (base64url).
 */
export type KeyName = "token-signing" | "secret-sealing" | "tunnel-url";

export const KEY_NAMES: readonly KeyName[] = ["token-signing", "secret-sealing", "tunnel-url"];

/**
 * Where the keys live. The hub keeps them in their own 0600 files in the data dir
 * (hub/store/key-files.ts), never in the database; `previous` keys are still accepted for reading
 * what was written before a rotation (sealed secrets).
 */
export interface KeyRing {
  /** The key in use, created on first use. */
  current(name: KeyName): string;
  /** Older keys still accepted for reading, newest first. @default none */
  previous(name: KeyName): readonly string[];
}

/** A fresh key of `name`, in that key's text form. */
export function newKeyText(name: KeyName): string {
  switch (name) {
    case "token-signing":
      return newSecret(48);
    case "secret-sealing":
      return crypto.randomBytes(32).toString("hex");
    case "tunnel-url":
      return crypto.randomBytes(32).toString("base64url");
  }
}

/** Where hubs before issue 13 kept each key: a row of the settings table. */
export const LEGACY_KEY_SETTINGS: Readonly<Record<KeyName, string>> = {
  "token-signing": "token_signing_key",
  "secret-sealing": "otestack_secret_key",
  "tunnel-url": "tunnel_url_key",
};

/**
 * Keys in the store's settings, as hubs before issue 13 kept them: only for cores built without
 * a data dir (unit tests over an in-memory store). The hub itself uses key files.
 */
export class SettingsKeyRing implements KeyRing {
  constructor(private readonly settings: SettingsRepository) {}

  current(name: KeyName): string {
    const setting = LEGACY_KEY_SETTINGS[name];
    let key = this.settings.get(setting);
    if (!key) {
      key = newKeyText(name);
      this.settings.set(setting, key);
    }
    return key;
  }

  previous(): readonly string[] {
    return [];
  }
}
