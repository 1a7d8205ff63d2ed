/** Utilisation within this fraction of the target changes nothing (Kubernetes' HPA tolerance). */
export const HPA_TOLERANCE = 0.1;

/**
 * Kubernetes' HPA rule: ratio = the larger of CPU and memory utilisation over their targets
 * (percent each); within the tolerance of 1 nothing changes (null); otherwise
 * ceil(current * ratio) clamped to [min, max].
 */
export function hpaReplicas(input: {
  current: number;
  cpuPercent: number;
  memoryPercent: number;
  cpuTarget: number;
  memoryTarget: number;
  min: number;
  max: number;
}): number | null {
  const ratio = Math.max(input.cpuPercent / input.cpuTarget, input.memoryPercent / input.memoryTarget);
  if (Math.abs(ratio - 1) <= HPA_TOLERANCE) return null;
  return Math.min(input.max, Math.max(input.min, Math.ceil(input.current * ratio)));
}
