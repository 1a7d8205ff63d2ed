/**
 * Node taints and workload tolerations (Kubernetes' model, issue 11): a taint keeps work off a
 * node unless the work tolerates it. NoSchedule: nothing new is placed there; PreferNoSchedule:
 * placed there only when no other node fits; NoExecute: also evicts running work that does not
 * tolerate it.
 */
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export interface Taint {
  key: string;
  /** "" when the taint has no value. */
  value: string;
  effect: TaintEffect;
}

/**
 * What a workload tolerates. `Exists` matches any value of `key` (an empty key with `Exists`
 * tolerates every taint); `Equal` matches `value` exactly. No `effect`: every effect of the key.
 */
export interface Toleration {
  key: string;
  operator: "Equal" | "Exists";
  /** Compared for `Equal`; "" when absent. */
  value: string;
  effect: TaintEffect | null;
}
