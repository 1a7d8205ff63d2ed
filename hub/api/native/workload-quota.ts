import type { Core } from "../../core";
import { NotFoundError, ValidationError } from "../../core/errors";
import type { QuotaUnit, WorkloadKind } from "../../core/model";
import { defaultPriorityClass, PRIORITY_CLASSES, type PriorityClassName } from "../../core/priority-classes";

export interface QuotaOptions {
  kind?: WorkloadKind;
  project?: string;
  quotaUnit?: string;
  nodePool?: string;
  priorityClass?: PriorityClassName;
  priority?: number;
  preemptible?: boolean;
}

/**
 * The quota unit, node pool, priority and preemptibility of a native submission. Defaults for work
 * in a quota unit follow Run:ai: batch (training) work is preemptible (class train), interactive
 * and service work is not (build / inference). Work without a unit is preemptible only if asked.
 */
export function quotaOptions(core: Core, b: QuotaOptions) {
  let unit: QuotaUnit | undefined;
  if (b.project !== undefined) {
    unit = core.quotaUnits.byName("project", b.project);
    if (!unit) throw new NotFoundError("project", b.project);
  } else if (b.quotaUnit !== undefined) {
    const [kind, name] = b.quotaUnit.includes("/") ? b.quotaUnit.split("/", 2) : [undefined, b.quotaUnit];
    unit =
      core.quotaUnits.find(b.quotaUnit) ??
      core.quotaUnits.list().find((u) => u.name === name && (kind === undefined || u.kind === kind));
    if (!unit) throw new NotFoundError("quota unit", b.quotaUnit);
  }
  if (unit?.kind === "department")
    throw new ValidationError("project", "work runs in a project, not a department");
  const pool = b.nodePool === undefined ? undefined : core.nodePools.get(b.nodePool);
  const kind = b.kind ?? "batch";
  const cls = b.priorityClass ?? defaultPriorityClass(kind);
  const preset = PRIORITY_CLASSES[cls];
  return {
    kind,
    quotaUnitId: unit?.id ?? null,
    nodePoolId: pool?.id ?? null,
    priority: b.priority ?? preset.priority,
    preemptible: b.preemptible ?? (unit || b.priorityClass ? preset.preemptible : false),
  };
}
