import fs from "node:fs";

/**
 * Writes `data` to `file` with `mode` through a temporary file and a rename, so a crash leaves the
 * old file or the new one, never half of one (and a private file is never readable by others).
 */
export function writeFileAtomic(file: string, data: string | Buffer, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}
