import { ValidationError } from "./errors";

/**
 * Rules every name and label obeys on every surface, checked by the core services that store
 * them: a length bound (so a 1 MB job name is refused, not stored) and no invisible or
 * direction-changing Unicode (bidi controls and zero-width characters make two different names
 * look alike in a listing or a log, the "Trojan source" trick).
 */

/** Longest name the core stores (users, workloads, clusters, nodes, groups, quota units...). @default 256 characters */
export const MAX_NAME_LENGTH = 256;
/** Longest label (key=value together) or description. @default 1024 characters */
export const MAX_LABEL_LENGTH = 1024;

/**
 * Bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069), marks (U+200E, U+200F, U+061C),
 * zero-width space/joiners (U+200B-200D), word joiner and invisible operators (U+2060-2064),
 * byte-order mark (U+FEFF), and C0/C1 control characters.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

/** Why `value` is not a storable name or label, or null when it is. */
export function nameProblem(value: string, max = MAX_NAME_LENGTH): string | null {
  if (value.length > max) return `must be at most ${max} characters`;
  if (INVISIBLE.test(value)) return "must not contain control, bidi or zero-width characters";
  return null;
}

/** Throws a ValidationError on `field` when `value` breaks the name rules. */
export function checkName(field: string, value: string, max = MAX_NAME_LENGTH): void {
  const problem = nameProblem(value, max);
  if (problem) throw new ValidationError(field, problem);
}

/** Checks every label (or description) of a list. */
export function checkLabels(field: string, values: readonly string[]): void {
  for (const v of values) checkName(field, v, MAX_LABEL_LENGTH);
}

/** Keys that reach Object.prototype through a plain object lookup or assignment. */
export function isPrototypeKey(key: string): boolean {
  return key === "__proto__" || key === "constructor" || key === "prototype";
}

/** A copy of `entries` on a null-prototype object: lookups by a caller's key find own keys only. */
export function nullPrototype<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
