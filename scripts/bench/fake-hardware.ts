/**
 * A cheap HardwareSource for simulated agents: a fixed inventory and a fixed sample, so the
 * benchmark measures the link and the hub rather than systeminformation or nvidia-smi. (scripts/
 * must not import test/helpers, hence this small copy.)
 */
import type { HardwareInventory } from "../../agent/hardware/inventory";
import type { HardwareSource } from "../../agent/link/hub-link";

/** 8 cores, 32 GiB, one disk and NIC, no GPU, hostname `name`. */
export function benchHardware(name: string): HardwareSource {
  const inventory: HardwareInventory = {
    cpu: { manufacturer: "Bench", brand: "Bench CPU", cores: 8, physicalCores: 8, speedGhz: 3 },
    memory: { totalMiB: 32_768 },
    disks: [{ name: "/dev/bench0", mount: "/", fsType: "ext4", sizeMiB: 100_000, usedMiB: 1_000 }],
    nics: [
      { name: "eth0", mac: "02:00:00:00:00:01", addresses: ["10.0.0.1"], speedMbps: 1000, virtual: false },
    ],
    os: {
      platform: "linux",
      distro: "Debian GNU/Linux",
      release: "12",
      kernel: "6.1.0",
      arch: "x64",
      hostname: name,
    },
    gpu: {
      available: false,
      error: "simulated node has no GPU",
      driverVersion: null,
      cudaVersion: null,
      gpus: [],
    },
  };
  const sample = { node: { cpuPercent: 5, memoryUsedMiB: 1024, load1: 0.1 }, gpus: [] };
  return { inventory: () => Promise.resolve(inventory), sample: () => Promise.resolve(sample) };
}
