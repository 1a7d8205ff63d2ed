import type { GpuDevice } from "../../agent/hardware/inventory";

/** The simulated agents' hardware source, shared with the benchmark. */
export { simulatedHardware as fakeHardware } from "../../scripts/bench/fake-hardware";

/** `n` whole GPUs with deterministic UUIDs. */
export function fakeGpus(n: number, prefix = "GPU-00000000-0000-0000-0000-00000000000"): GpuDevice[] {
  return Array.from({ length: n }, (_, i) => ({
    uuid: `${prefix}${i}`,
    index: i,
    name: "NVIDIA Fake 80GB",
    memoryMiB: 81920,
    pciBusId: `00000000:0${i}:00.0`,
    computeCap: "9.0",
    migEnabled: false,
    parentUuid: null,
    migProfile: null,
    migIndex: null,
  }));
}
