import type { Core } from "../../core";
import type { QuotaUnit } from "../../core/model";
import { WORK_KINDS, type NameGrammar } from "../../core/quota-units";

/** OpenPAI group and virtual-cluster names (docs/compat/openpai.md §6/§7). */
export const VC_NAME = /^[A-Za-z0-9_]+$/;

/** OpenPAI's spelling of a unit named elsewhere: `team-a` is `team_a` (then `team_a_2`...). */
export const VC_GRAMMAR: NameGrammar = {
  accepts: (name) => VC_NAME.test(name),
  spell: (name, attempt) => {
    const base = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "vc";
    return attempt === 0 ? base : `${base}_${attempt + 1}`;
  },
};

/**
 * Units shown as virtual clusters: every kind that holds work, whichever face made it (see the
 * `kind` note in core/quota-units.ts).
 */
export const VC_KINDS = WORK_KINDS;

/** The unit's VC name: its name, or the alias OpenPAI shows where the name is not a VC name. */
export const vcName = (core: Core, unit: QuotaUnit): string => core.quotaUnits.faceName(unit, VC_GRAMMAR);

/** Every unit shown as a virtual cluster, with its VC name. */
export const vcUnits = (core: Core): { unit: QuotaUnit; name: string }[] =>
  core.quotaUnits.listKinds(VC_KINDS).map((unit) => ({ unit, name: vcName(core, unit) }));

/** The unit a VC name (or the unit's own name, or any alias) finds. */
export function findVc(core: Core, name: string): QuotaUnit | undefined {
  const found = core.quotaUnits.byFaceName(name, VC_KINDS);
  if (found) return found;
  // An alias not made yet (the unit was never shown here): make every VC name, then look again.
  vcUnits(core);
  return core.quotaUnits.byFaceName(name, VC_KINDS);
}
