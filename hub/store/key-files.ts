import fs from "node:fs";
import path from "node:path";
import { KEY_NAMES, LEGACY_KEY_SETTINGS, newKeyText, type KeyName, type KeyRing } from "../core/key-ring";
import type { SettingsRepository } from "../core/repositories";

/** What one key file holds: the key in use and older ones still accepted for reading. */
interface KeyFile {
  current: string;
  previous: string[];
}

/** `<dataDir>/keys`, mode 0700; one `<name>.json` per key, mode 0600. */
export const keysDir = (dataDir: string): string => path.join(dataDir, "keys");
const keyPath = (dataDir: string, name: KeyName): string => path.join(keysDir(dataDir), `${name}.json`);

/** Writes `file` atomically (temp file + rename), readable by the hub's user only. */
function writePrivate(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

function readKeyFile(file: string): KeyFile {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<KeyFile>;
  if (typeof parsed.current !== "string" || parsed.current === "")
    throw new Error(`key file ${file} has no current key`);
  const previous = Array.isArray(parsed.previous) ? parsed.previous.filter((k) => typeof k === "string") : [];
  return { current: parsed.current, previous };
}

/**
 * The hub's keys in their own files under the data dir (never in corral.db). At first start of a
 * hub whose database still holds a key (hubs before issue 13), the key moves to its file and its
 * settings row is deleted; a missing key is generated. Files are 0600, the folder 0700.
 */
export class FileKeyRing implements KeyRing {
  private readonly files = new Map<KeyName, KeyFile>();

  constructor(
    private readonly dataDir: string,
    settings: SettingsRepository,
  ) {
    fs.mkdirSync(keysDir(dataDir), { recursive: true, mode: 0o700 });
    fs.chmodSync(keysDir(dataDir), 0o700);
    for (const name of KEY_NAMES) {
      const file = keyPath(dataDir, name);
      const legacy = settings.get(LEGACY_KEY_SETTINGS[name]);
      if (!fs.existsSync(file))
        writePrivate(file, JSON.stringify({ current: legacy ?? newKeyText(name), previous: [] }));
      else fs.chmodSync(file, 0o600);
      // Written (or already there) first, then out of the database.
      if (legacy !== undefined) settings.delete(LEGACY_KEY_SETTINGS[name]);
      this.files.set(name, readKeyFile(file));
    }
  }

  current(name: KeyName): string {
    return (this.files.get(name) as KeyFile).current;
  }

  previous(name: KeyName): readonly string[] {
    return (this.files.get(name) as KeyFile).previous;
  }

  /**
   * A new current key of `name`. `keepPrevious`: the old key stays accepted for reading (sealing:
   * until every secret is sealed anew, then dropPrevious); otherwise it is gone at once
   * (signing: every token ends).
   */
  rotate(name: KeyName, keepPrevious: boolean): void {
    const old = this.files.get(name) as KeyFile;
    const next: KeyFile = {
      current: newKeyText(name),
      previous: keepPrevious ? [old.current, ...old.previous] : [],
    };
    writePrivate(keyPath(this.dataDir, name), JSON.stringify(next));
    this.files.set(name, next);
  }

  /** Forgets the older keys of `name` (after everything they sealed is sealed anew). */
  dropPrevious(name: KeyName): void {
    const old = this.files.get(name) as KeyFile;
    const next: KeyFile = { current: old.current, previous: [] };
    writePrivate(keyPath(this.dataDir, name), JSON.stringify(next));
    this.files.set(name, next);
  }
}

/**
 * The data dir and what the hub keeps in it are for the hub's user only: the folder 0700, the
 * database files (corral.db, -wal, -shm) 0600, whatever mode they were made with.
 */
export function securePermissions(dataDir: string): void {
  fs.chmodSync(dataDir, 0o700);
  for (const f of fs.readdirSync(dataDir)) {
    if (f.startsWith("corral.db")) fs.chmodSync(path.join(dataDir, f), 0o600);
  }
}
