/**
 * What the agent knows about its node's hardware. Units: memory and disk sizes in MiB (1 MiB =
 * 1048576 bytes), CPU speed in GHz, network speed in Mbit/s. The link codec turns this into the
 * protocol's HardwareInventory; nothing else in the agent depends on the protocol.
 */
export interface HardwareInventory {
  cpu: CpuInfo;
  memory: MemoryInfo;
  disks: DiskInfo[];
  nics: NicInfo[];
  os: OsInfo;
  gpu: GpuReport;
}

export interface CpuInfo {
  manufacturer: string;
  brand: string;
  /** Logical cores. */
  cores: number;
  physicalCores: number;
  speedGhz: number;
}

export interface MemoryInfo {
  totalMiB: number;
}

export interface DiskInfo {
  name: string;
  mount: string;
  fsType: string;
  sizeMiB: number;
  usedMiB: number;
}

export interface NicInfo {
  name: string;
  mac: string;
  addresses: string[];
  /** 0 when unknown. */
  speedMbps: number;
  virtual: boolean;
}

export interface OsInfo {
  platform: string;
  distro: string;
  release: string;
  kernel: string;
  arch: string;
  hostname: string;
}

export interface GpuReport {
  /** False when nvidia-smi is missing, times out or fails; `error` says why. */
  available: boolean;
  error: string | null;
  driverVersion: string | null;
  cudaVersion: string | null;
  gpus: GpuDevice[];
}

/** One physical GPU or one MIG slice, keyed by UUID (`GPU-...` or `MIG-...`). */
export interface GpuDevice {
  uuid: string;
  /** nvidia-smi index of the physical GPU (for a MIG slice: its parent's index). */
  index: number;
  name: string;
  memoryMiB: number | null;
  pciBusId: string | null;
  computeCap: string | null;
  /** Physical GPU with MIG mode on: its slices are the devices; it is not allocatable itself. */
  migEnabled: boolean;
  /** Set for MIG slices only. */
  parentUuid: string | null;
  migProfile: string | null;
  migIndex: number | null;
}

/** Periodic samples sent with heartbeats. */
export interface NodeSample {
  cpuPercent: number;
  memoryUsedMiB: number;
  load1: number;
}

export interface GpuSample {
  uuid: string;
  utilizationPercent: number | null;
  memoryUtilizationPercent: number | null;
  memoryUsedMiB: number | null;
  temperatureC: number | null;
  powerWatts: number | null;
}
