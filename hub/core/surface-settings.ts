import type { SettingsRepository } from "./repositories";

/**
 * Small JSON documents a surface keeps about its own face and nothing else reads: ModelArts's
 * authorization mode, its agency and per-user authorizations. Not for core facts (those get
 * types and tables). Kept in the store's settings under `surface/<surface>/<key>`.
 */
export class SurfaceSettings {
  constructor(private readonly settings: SettingsRepository) {}

  get<T>(surface: string, key: string): T | undefined {
    const text = this.settings.get(`surface/${surface}/${key}`);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  set(surface: string, key: string, value: unknown): void {
    this.settings.set(`surface/${surface}/${key}`, JSON.stringify(value));
  }
}
