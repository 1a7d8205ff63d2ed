import type { QuotaRank } from "../../core/model";

/** Run:ai's per-pool `priority` words, lowest first; MediumLow is the core's normal rank 0. */
const NAMES = ["VeryLow", "Low", "MediumLow", "Medium", "MediumHigh", "High", "VeryHigh"] as const;
const NORMAL = NAMES.indexOf("MediumLow");

/** The core rank of a Run:ai word; words Run:ai does not list (the spec's "Normal") are 0. */
export function rankOf(word: string): QuotaRank {
  const i = (NAMES as readonly string[]).indexOf(word);
  return i < 0 ? 0 : i - NORMAL;
}

/** The Run:ai word of a core rank (clamped to VeryLow..VeryHigh). */
export function rankName(rank: QuotaRank | undefined): string {
  const i = Math.min(NAMES.length - 1, Math.max(0, Math.round(rank ?? 0) + NORMAL));
  return NAMES[i] as string;
}
