import { errorText, type Fingerprinter, type HardwareWarn } from "./fingerprinter";
import type { GpuReport, GpuSample, HardwareInventory } from "./inventory";
import { NvidiaSmiError, type NvidiaSmiRunner } from "./nvidia-smi-runner";
import {
  buildGpuReport,
  parseCudaVersion,
  parseGpuList,
  parseGpuSamples,
  parseQueryGpuCsv,
  type ListedGpu,
} from "./nvidia-smi-parse";

/** Fields of the inventory query (one `--query-gpu` call). */
export const INVENTORY_FIELDS: readonly string[] = [
  "index",
  "uuid",
  "name",
  "pci.bus_id",
  "driver_version",
  "memory.total",
  "compute_cap",
  "mig.mode.current",
];

/**
 * Inventory fields an older driver may reject (`Field "compute_cap" is not a valid field to
 * query.`): compute_cap arrived around R510, mig.mode.current with R450. Each is dropped at most
 * once, and only when nvidia-smi names it (or, when it names no field, compute_cap first).
 */
const OPTIONAL_INVENTORY_FIELDS: readonly string[] = ["compute_cap", "mig.mode.current"];

/** Fields of the metrics query, run on every sample. */
export const METRICS_FIELDS: readonly string[] = [
  "uuid",
  "utilization.gpu",
  "utilization.memory",
  "memory.used",
  "temperature.gpu",
  "power.draw",
];

const REJECTED_FIELD = /Field "([^"]+)" is not a valid field to query/;

/** `--query-gpu` arguments; with the header row on purpose (see parseQueryGpuCsv). */
export function queryGpuArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(",")}`, "--format=csv,nounits"];
}

/** A report for a node where nvidia-smi could not be used; `error` says why. */
export function unavailableGpuReport(error: string): GpuReport {
  return { available: false, error, driverVersion: null, cudaVersion: null, gpus: [] };
}

/** Runs the inventory query, dropping fields the driver rejects (see OPTIONAL_INVENTORY_FIELDS). */
async function runInventoryQuery(runner: NvidiaSmiRunner): Promise<string> {
  let fields = [...INVENTORY_FIELDS];
  for (;;) {
    try {
      return await runner.run(queryGpuArgs(fields));
    } catch (err) {
      const text = errorText(err);
      if (!/not a valid field/i.test(text)) throw err;
      const drop =
        REJECTED_FIELD.exec(text)?.[1] ?? OPTIONAL_INVENTORY_FIELDS.find((f) => fields.includes(f));
      // A required field rejected, or one already dropped: nothing sensible left to retry.
      if (drop === undefined || !OPTIONAL_INVENTORY_FIELDS.includes(drop) || !fields.includes(drop)) {
        throw err;
      }
      fields = fields.filter((f) => f !== drop);
    }
  }
}

/**
 * Everything the agent reports about NVIDIA GPUs, from up to three calls: the inventory
 * `--query-gpu`, `-L` (MIG slices and their UUIDs) and `--version` (CUDA version; drivers without
 * `--version` give null). Never rejects: a missing, failing or hung nvidia-smi gives
 * `available: false` with the reason.
 */
export async function queryGpuReport(runner: NvidiaSmiRunner): Promise<GpuReport> {
  let csv: string;
  try {
    csv = await runInventoryQuery(runner);
  } catch (err) {
    return unavailableGpuReport(errorText(err));
  }
  const notes: string[] = [];
  let list: ListedGpu[] = [];
  try {
    list = parseGpuList(await runner.run(["-L"]));
  } catch (err) {
    notes.push(`nvidia-smi -L failed, MIG slices unknown: ${errorText(err)}`);
  }
  let cudaVersion: string | null = null;
  try {
    cudaVersion = parseCudaVersion(await runner.run(["--version"]));
  } catch {
    // Old drivers have no --version; the CUDA version is optional.
  }
  return buildGpuReport(parseQueryGpuCsv(csv), list, cudaVersion, notes);
}

/** The NVIDIA fingerprinter: fills `into.gpu` from nvidia-smi. */
export class NvidiaFingerprinter implements Fingerprinter {
  readonly name = "nvidia";

  constructor(
    private readonly runner: NvidiaSmiRunner,
    private readonly warn: HardwareWarn = () => undefined,
  ) {}

  async fingerprint(into: HardwareInventory): Promise<void> {
    into.gpu = await queryGpuReport(this.runner);
    if (into.gpu.error !== null) this.warn(`nvidia fingerprint: ${into.gpu.error}`);
  }
}

/** After nvidia-smi was not found, how long samples skip the call before looking again, in ms. */
export const MISSING_RECHECK_MS = 300_000;

/**
 * Per-GPU metrics for heartbeats, one `--query-gpu` call each time. Never rejects: on failure it
 * returns [] and keeps the reason in `lastError` (null after a good sample). On a node without
 * nvidia-smi (kind "not-found") it does not spawn a process at every beat: it looks again after
 * MISSING_RECHECK_MS, or at once after `recheck()` (the collector calls it at each inventory).
 */
export class NvidiaSampler {
  lastError: string | null = null;
  private missingSince: number | null = null;

  constructor(
    private readonly runner: NvidiaSmiRunner,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forget that nvidia-smi was missing: the next sample calls it again. */
  recheck(): void {
    this.missingSince = null;
  }

  async sample(): Promise<GpuSample[]> {
    if (this.missingSince !== null && this.now() - this.missingSince < MISSING_RECHECK_MS) return [];
    try {
      const samples = parseGpuSamples(parseQueryGpuCsv(await this.runner.run(queryGpuArgs(METRICS_FIELDS))));
      this.lastError = null;
      this.missingSince = null;
      return samples;
    } catch (err) {
      this.lastError = errorText(err);
      this.missingSince = err instanceof NvidiaSmiError && err.kind === "not-found" ? this.now() : null;
      return [];
    }
  }
}
