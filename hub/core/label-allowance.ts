import { checkLabel } from "./labels";

/**
 * Which labels a node may set itself (Hello, CORRAL_LABELS), from its join token's `allowedLabels`.
 * A pattern is a label where `*` stands for any run of characters: `gpu` allows exactly `gpu`,
 * `zone=*` any `zone=` label, `*` everything. No allowance (null/undefined) allows every label: the
 * behaviour of tokens made before issue 13.
 */
export function labelAllowed(label: string, allowance: readonly string[] | null | undefined): boolean {
  if (!allowance) return true;
  return allowance.some((pattern) => globToRegExp(pattern).test(label));
}

/** Splits `labels` into those the allowance lets a node set and those it drops. */
export function partitionLabels(
  labels: readonly string[],
  allowance: readonly string[] | null | undefined,
): { allowed: string[]; dropped: string[] } {
  const allowed: string[] = [];
  const dropped: string[] = [];
  for (const l of labels) (labelAllowed(l, allowance) ? allowed : dropped).push(l);
  return { allowed, dropped };
}

/** Validates an allowance given when a join token is created (each pattern a valid label). */
export function checkAllowance(patterns: readonly string[], field = "allowedLabels"): string[] {
  return [...new Set(patterns.map((p) => checkLabel(p, field)))];
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}
