/**
 * A HardwareSource for simulated agents (the benchmark, and the tests through test/helpers): a
 * fixed inventory and a fixed sample, so what is measured is the link and the hub rather than
 * systeminformation or nvidia-smi. Cores, memory, GPUs and hostname as given.
 */
import type { GpuDevice, HardwareInventory } from "../../agent/hardware/inventory";
import type { HardwareSource } from "../../agent/link/hub-link";

/** A node's inventory without touching the machine: `cores`, `memoryMiB` and GPUs as given. */
export function simulatedHardware(
  opts: { cores?: number; memoryMiB?: number; gpus?: GpuDevice[]; hostname?: string } = {},
): HardwareSource {
  const inventory: HardwareInventory = {
    cpu: {
      manufacturer: "Simulated",
      brand: "Simulated CPU",
      cores: opts.cores ?? 8,
      physicalCores: opts.cores ?? 8,
      speedGhz: 3,
    },
    memory: { totalMiB: opts.memoryMiB ?? 32768 },
    disks: [{ name: "/dev/sim0", mount: "/", fsType: "ext4", sizeMiB: 100_000, usedMiB: 1_000 }],
    nics: [
      { name: "eth0", mac: "02:00:00:00:00:01", addresses: ["10.0.0.1"], speedMbps: 1000, virtual: false },
    ],
    os: {
      platform: "linux",
      distro: "Debian GNU/Linux",
      release: "12",
      kernel: "6.1.0",
      arch: "x64",
      hostname: opts.hostname ?? "simulated",
    },
    gpu: {
      available: (opts.gpus ?? []).length > 0,
      error: (opts.gpus ?? []).length > 0 ? null : "simulated node has no GPU",
      driverVersion: null,
      cudaVersion: null,
      gpus: opts.gpus ?? [],
    },
  };
  return {
    inventory: async () => inventory,
    sample: async () => ({
      node: { cpuPercent: 5, memoryUsedMiB: 1024, load1: 0.1 },
      gpus: (opts.gpus ?? []).map((g) => ({
        uuid: g.uuid,
        utilizationPercent: 0,
        memoryUtilizationPercent: 0,
        memoryUsedMiB: 0,
        temperatureC: 30,
        powerWatts: 50,
      })),
    }),
  };
}
