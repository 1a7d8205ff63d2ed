import type { WorkloadKind } from "./model";

/**
 * Priority classes: a named priority and preemptibility for submitted work (Run:ai's classes,
 * used by the native API too). Work of priority >= 100 is not preemptible by default. Surfaces
 * translate their own words to these names; the numbers live only here.
 */
export const PRIORITY_CLASSES = {
  train: { priority: 50, preemptible: true },
  "interactive-preemptible": { priority: 75, preemptible: true },
  build: { priority: 100, preemptible: false },
  inference: { priority: 125, preemptible: false },
} as const satisfies Record<string, { priority: number; preemptible: boolean }>;

export type PriorityClassName = keyof typeof PRIORITY_CLASSES;
export const PRIORITY_CLASS_NAMES = Object.keys(PRIORITY_CLASSES) as [
  PriorityClassName,
  ...PriorityClassName[],
];

/** The class work of `kind` gets when it names none: training is preemptible, the rest is not. */
export function defaultPriorityClass(kind: WorkloadKind): PriorityClassName {
  return kind === "batch" ? "train" : kind === "interactive" ? "build" : "inference";
}
