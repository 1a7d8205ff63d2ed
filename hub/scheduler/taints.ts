import type { Taint, TaintEffect, Toleration } from "../core/taint-model";

/** Whether `toleration` lets a task past `taint` (Kubernetes' matching rules). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== null && toleration.effect !== taint.effect) return false;
  if (toleration.operator === "Exists") return toleration.key === "" || toleration.key === taint.key;
  return toleration.key === taint.key && toleration.value === taint.value;
}

/** The taints with one of `effects` that no toleration matches. Absent lists: none. */
export function untolerated(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  effects: readonly TaintEffect[],
): Taint[] {
  return (taints ?? []).filter(
    (t) => effects.includes(t.effect) && !(tolerations ?? []).some((tol) => tolerates(tol, t)),
  );
}

/** `key=value:Effect` (`key:Effect` without a value), as kubectl shows a taint. */
export const taintText = (t: Taint): string => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
