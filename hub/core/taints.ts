import { ValidationError } from "./errors";
import { checkLabel } from "./labels";
import { TAINT_EFFECTS, type Taint, type TaintEffect, type Toleration } from "./taint-model";

/** At most this many taints per node and tolerations per workload. */
export const MAX_TAINTS = 64;

const isEffect = (v: unknown): v is TaintEffect => TAINT_EFFECTS.includes(v as TaintEffect);
const EFFECTS = TAINT_EFFECTS.join(", ");

/** A valid taint list (key a label-like string, value optional, a known effect), keyed once per key and effect. */
export function checkTaints(input: readonly unknown[], field = "taints"): Taint[] {
  if (input.length > MAX_TAINTS) throw new ValidationError(field, `at most ${MAX_TAINTS} taints`);
  const out: Taint[] = [];
  for (const [i, raw] of input.entries()) {
    const t = (raw ?? {}) as Record<string, unknown>;
    const key = checkLabel(t.key, `${field}.${i}.key`);
    const value = t.value === undefined || t.value === "" ? "" : checkLabel(t.value, `${field}.${i}.value`);
    if (!isEffect(t.effect)) throw new ValidationError(`${field}.${i}.effect`, `must be one of ${EFFECTS}`);
    if (out.some((o) => o.key === key && o.effect === t.effect))
      throw new ValidationError(`${field}.${i}`, `duplicate taint ${key}:${t.effect}`);
    out.push({ key, value, effect: t.effect });
  }
  return out;
}

/** A valid toleration list; `operator` defaults to Equal (Exists when a key has no value). */
export function checkTolerations(input: readonly unknown[], field = "tolerations"): Toleration[] {
  if (input.length > MAX_TAINTS) throw new ValidationError(field, `at most ${MAX_TAINTS} tolerations`);
  return input.map((raw, i) => {
    const t = (raw ?? {}) as Record<string, unknown>;
    const operator = t.operator ?? "Equal";
    if (operator !== "Equal" && operator !== "Exists")
      throw new ValidationError(`${field}.${i}.operator`, "must be Equal or Exists");
    const key = t.key === undefined || t.key === "" ? "" : checkLabel(t.key, `${field}.${i}.key`);
    if (key === "" && operator !== "Exists")
      throw new ValidationError(`${field}.${i}.key`, "is required unless the operator is Exists");
    const value = t.value === undefined || t.value === "" ? "" : checkLabel(t.value, `${field}.${i}.value`);
    if (operator === "Exists" && value !== "")
      throw new ValidationError(`${field}.${i}.value`, "must be empty when the operator is Exists");
    const effect = t.effect === undefined || t.effect === null || t.effect === "" ? null : t.effect;
    if (effect !== null && !isEffect(effect))
      throw new ValidationError(`${field}.${i}.effect`, `must be one of ${EFFECTS}`);
    return { key, operator, value, effect };
  });
}
