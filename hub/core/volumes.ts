import { ValidationError } from "./errors";
import type { HostPathSpec, TaskRole } from "./model";

/** Volume names: lowercase, so one name is one Docker volume on every engine. */
const VOLUME_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/**
 * Refuses volume lists a container could not mount: bad names, relative or unclean paths, two
 * mounts (named volumes and host paths together) at one container path.
 */
export function checkVolumes(roles: readonly TaskRole[]): void {
  for (const [i, role] of roles.entries()) {
    const names = new Set<string>();
    const paths = new Set<string>();
    for (const [j, v] of (role.volumes ?? []).entries()) {
      const field = `roles[${i}].volumes[${j}]`;
      if (!VOLUME_NAME.test(v.name)) {
        throw new ValidationError(`${field}.name`, "must be 1-63 lowercase letters, digits, '_', '.' or '-'");
      }
      if (!v.mountPath.startsWith("/") || v.mountPath === "/" || v.mountPath.includes("\0")) {
        throw new ValidationError(`${field}.mountPath`, "must be an absolute path other than /");
      }
      if (names.has(v.name)) throw new ValidationError(`${field}.name`, `duplicate volume ${v.name}`);
      if (paths.has(v.mountPath)) {
        throw new ValidationError(`${field}.mountPath`, `two volumes mounted at ${v.mountPath}`);
      }
      names.add(v.name);
      paths.add(v.mountPath);
    }
    checkHostPaths(role.hostPaths ?? [], `roles[${i}].hostPaths`, paths);
  }
}

/**
 * Refuses host paths a container could not bind: a node path that is not absolute and clean, a
 * container path that is relative or `/`, or one already taken (`taken` gains the new ones).
 * Errors name `${field}[j].hostPath|mountPath`.
 */
export function checkHostPaths(
  hostPaths: readonly HostPathSpec[],
  field: string,
  taken: Set<string> = new Set(),
): void {
  for (const [j, h] of hostPaths.entries()) {
    const at = `${field}[${j}]`;
    if (!isCleanAbsolute(h.hostPath)) {
      throw new ValidationError(`${at}.hostPath`, "must be an absolute path without '.', '..' or '//'");
    }
    if (!h.mountPath.startsWith("/") || h.mountPath === "/" || h.mountPath.includes("\0")) {
      throw new ValidationError(`${at}.mountPath`, "must be an absolute path other than /");
    }
    if (taken.has(h.mountPath)) {
      throw new ValidationError(`${at}.mountPath`, `two volumes mounted at ${h.mountPath}`);
    }
    taken.add(h.mountPath);
  }
}

/** `/a/b` as a node path: absolute, no empty, `.` or `..` segment, no NUL (so it names one directory). */
function isCleanAbsolute(path: string): boolean {
  if (!path.startsWith("/") || path.includes("\0")) return false;
  if (path === "/") return true;
  return path
    .slice(1)
    .split("/")
    .every((seg) => seg !== "" && seg !== "." && seg !== "..");
}
