import { loadavg } from "node:os";
import { CpuFingerprinter } from "./cpu";
import { DiskFingerprinter } from "./disk";
import {
  bytesToMiB,
  emptyInventory,
  errorText,
  type Fingerprinter,
  type HardwareWarn,
} from "./fingerprinter";
import type { GpuSample, HardwareInventory, NodeSample } from "./inventory";
import { MemoryFingerprinter } from "./memory";
import { NetworkFingerprinter } from "./network";
import { NodeSampler } from "./node-sampler";
import { NvidiaFingerprinter, NvidiaSampler } from "./nvidia";
import { createNvidiaSmiRunner } from "./nvidia-smi-runner";
import { OsFingerprinter } from "./os";

export interface HardwareCollectorOptions {
  /** nvidia-smi binary: a path or a bare name looked up on PATH (`CORRAL_NVIDIA_SMI`). */
  nvidiaSmiPath: string;
  /**
   * Hard limit for one nvidia-smi call, in ms.
   * @default 10_000
   */
  nvidiaSmiTimeoutMs?: number;
  /** Where fingerprint and sample failures go (one line each, nothing secret). @default ignore */
  warn?: HardwareWarn;
}

/** The agent's view of its hardware. Neither method ever rejects. */
export interface HardwareCollector {
  /** A full fingerprint: every registered fingerprinter, run concurrently. */
  inventory(): Promise<HardwareInventory>;
  /** Cheap periodic sample: CPU load, memory in use, and per-GPU metrics (one nvidia-smi call). */
  sample(): Promise<{ node: NodeSample; gpus: GpuSample[] }>;
}

/**
 * Builds the collector. The fingerprinters are registered in one list here (as Nomad's
 * fingerprint registry): adding a concern means adding one file and one line.
 */
export function createHardwareCollector(opts: HardwareCollectorOptions): HardwareCollector {
  const warn = opts.warn ?? (() => undefined);
  // One runner shared by inventory and samples, so there is one nvidia-smi process at a time.
  const runner = createNvidiaSmiRunner({ path: opts.nvidiaSmiPath, timeoutMs: opts.nvidiaSmiTimeoutMs });
  const fingerprinters: readonly Fingerprinter[] = [
    new CpuFingerprinter(warn),
    new MemoryFingerprinter(warn),
    new DiskFingerprinter(warn),
    new NetworkFingerprinter(warn),
    new OsFingerprinter(warn),
    new NvidiaFingerprinter(runner, warn),
  ];
  const gpuSampler = new NvidiaSampler(runner);
  const nodeSampler = new NodeSampler();

  async function inventory(): Promise<HardwareInventory> {
    const into = emptyInventory();
    gpuSampler.recheck(); // a new inventory looks for nvidia-smi again (a driver installed since)
    await Promise.all(
      fingerprinters.map(async (f) => {
        try {
          await f.fingerprint(into);
        } catch (err) {
          // Fingerprinters catch their own failures; this guards the contract.
          warn(`${f.name} fingerprint threw: ${errorText(err)}`);
        }
      }),
    );
    return into;
  }

  async function sampleNode(): Promise<NodeSample> {
    const node: NodeSample = { cpuPercent: 0, memoryUsedMiB: 0, load1: loadavg()[0] ?? 0 };
    const [load, mem] = await Promise.allSettled([nodeSampler.cpuPercent(), nodeSampler.memoryUsedBytes()]);
    if (load.status === "fulfilled") node.cpuPercent = load.value;
    else warn(`cpu load sample failed: ${errorText(load.reason)}`);
    // In use = total - available: page cache and buffers, which the kernel gives back on demand, are left out.
    if (mem.status === "fulfilled") node.memoryUsedMiB = bytesToMiB(mem.value);
    else warn(`memory sample failed: ${errorText(mem.reason)}`);
    return node;
  }

  async function sample(): Promise<{ node: NodeSample; gpus: GpuSample[] }> {
    const [node, gpus] = await Promise.all([sampleNode(), gpuSampler.sample()]);
    return { node, gpus };
  }

  return { inventory, sample };
}

export type { Fingerprinter, HardwareWarn } from "./fingerprinter";
export type { GpuDevice, GpuReport, GpuSample, HardwareInventory, NodeSample } from "./inventory";
