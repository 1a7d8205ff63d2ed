import type { NodeHardware } from "./model";

/**
 * What changed between two hardware reports in a way an admin must see (a node claiming other
 * GPUs or memory than before may be an impostor or a swapped machine): GPU UUIDs or count, memory
 * total. Null when nothing that matters changed, or when there was no earlier report.
 */
export function hardwareChange(before: NodeHardware | null, after: NodeHardware | null): string | null {
  if (!before || !after) return null;
  const changes: string[] = [];
  const gpusBefore = before.gpus.map((g) => g.uuid).sort();
  const gpusAfter = after.gpus.map((g) => g.uuid).sort();
  if (gpusBefore.length !== gpusAfter.length) {
    changes.push(`GPU count ${gpusBefore.length} -> ${gpusAfter.length}`);
  } else if (gpusBefore.some((u, i) => u !== gpusAfter[i])) {
    changes.push(`GPU UUIDs ${gpusBefore.join(",")} -> ${gpusAfter.join(",")}`);
  }
  if (before.memory.totalMiB !== after.memory.totalMiB) {
    changes.push(`memory ${before.memory.totalMiB} MiB -> ${after.memory.totalMiB} MiB`);
  }
  return changes.length > 0 ? changes.join("; ") : null;
}
