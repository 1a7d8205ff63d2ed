import type { HardwareInventory } from "./inventory";

/**
 * One source of hardware facts (Nomad's fingerprint.Fingerprint). Each implementation fills only
 * its own part of the inventory. It must never reject: on failure it leaves the defaults from
 * `emptyInventory()` in place and reports through `warn`, without secrets (no env, no tokens).
 */
export interface Fingerprinter {
  readonly name: string;
  fingerprint(into: HardwareInventory): Promise<void>;
}

/** Receives one line per failed or degraded fingerprint; nothing in it is secret. */
export type HardwareWarn = (message: string) => void;

/** Bytes in one MiB; every size in the inventory is in MiB. */
export const BYTES_PER_MIB = 1_048_576;

/** Bytes to whole MiB (rounded down, never negative; non-finite input gives 0). */
export function bytesToMiB(bytes: number): number {
  return Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes / BYTES_PER_MIB) : 0;
}

/** The error text of anything thrown, for a warning line. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The inventory a node reports before (or when) every fingerprinter fails. */
export function emptyInventory(): HardwareInventory {
  return {
    cpu: { manufacturer: "", brand: "", cores: 0, physicalCores: 0, speedGhz: 0 },
    memory: { totalMiB: 0 },
    disks: [],
    nics: [],
    os: { platform: "", distro: "", release: "", kernel: "", arch: "", hostname: "" },
    gpu: { available: false, error: "not fingerprinted", driverVersion: null, cudaVersion: null, gpus: [] },
  };
}
