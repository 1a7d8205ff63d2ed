import { ValidationError } from "../errors";
import { checkHostPaths } from "../volumes";
import type { ReplicaSpec } from "./model";

/**
 * Refuses a replica recipe no replica could run as asked: requests above the limits (the reserved
 * share would exceed what the container may use), or host paths a container could not bind.
 */
export function checkReplicaSpec(spec: ReplicaSpec): void {
  const r = spec.requests;
  if (r) {
    if (!Number.isInteger(r.cpuMilli) || r.cpuMilli < 0 || (spec.cpuMilli > 0 && r.cpuMilli > spec.cpuMilli))
      throw new ValidationError(
        "spec.requests.cpuMilli",
        `must be 0-${spec.cpuMilli} millicores (the limit)`,
      );
    if (
      !Number.isInteger(r.memoryMiB) ||
      r.memoryMiB < 0 ||
      (spec.memoryMiB > 0 && r.memoryMiB > spec.memoryMiB)
    )
      throw new ValidationError("spec.requests.memoryMiB", `must be 0-${spec.memoryMiB} MiB (the limit)`);
  }
  checkHostPaths(spec.hostPaths ?? [], "spec.hostPaths");
}
