import { ValidationError } from "./errors";
import { checkName } from "./names";

/**
 * Labels are plain strings: `gpu`, `zone=a` and `key=value` are all labels. They may not be empty,
 * longer than 253 characters, or contain whitespace, commas (CORRAL_LABELS is a comma list) or
 * control characters.
 */
export function checkLabel(label: unknown, field = "label"): string {
  if (typeof label !== "string" || label.length === 0)
    throw new ValidationError(field, "must be a non-empty string");
  if (label.length > 253) throw new ValidationError(field, "must be at most 253 characters");
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\s,\u0000-\u001f\u007f]/.test(label)) {
    throw new ValidationError(field, "must not contain whitespace, commas or control characters");
  }
  // Bidi controls and zero-width characters (names.ts): two labels that look alike are one label.
  checkName(field, label, 253);
  return label;
}

/** Adds a label once, keeping order. */
export const withLabel = (labels: readonly string[], label: string): string[] =>
  labels.includes(label) ? [...labels] : [...labels, label];

export const withoutLabel = (labels: readonly string[], label: string): string[] =>
  labels.filter((l) => l !== label);
