import type { SettingsRepository } from "../core/repositories";
import type { Db } from "./database";

export function settingsRepository(db: Db): SettingsRepository {
  const get = db.prepare("SELECT value FROM settings WHERE key = ?");
  const set = db.prepare(
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  );
  const del = db.prepare("DELETE FROM settings WHERE key = ?");
  return {
    get: (key) => (get.get(key) as { value: string } | undefined)?.value,
    set: (key, value) => void set.run(key, value),
    delete: (key) => void del.run(key),
  };
}
