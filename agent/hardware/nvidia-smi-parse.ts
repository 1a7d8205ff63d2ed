/**
 * Pure parsers for nvidia-smi output. No I/O here, so every fixture in
 * test/fixtures/nvidia-smi/ can be fed straight in.
 */
import type { GpuDevice, GpuReport, GpuSample } from "./inventory";

/** One `--query-gpu` row: field name (unit suffix stripped) -> trimmed value, null when unset. */
export type CsvRow = ReadonlyMap<string, string | null>;

export interface CsvTable {
  /** Field names from the header, in order, with unit suffixes like ` [MiB]` removed. */
  fields: string[];
  rows: CsvRow[];
  /** Rows that could not be read, one note each. */
  errors: string[];
}

// Values nvidia-smi prints for "no value". Older drivers print `[Not Supported]`; newer ones
// `[N/A]`; some rows hold a bare `N/A`; the default table shows `ERR!` for a failed sensor.
const NULL_VALUE =
  /^(\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|Requested functionality has been deprecated)\]?|ERR!)$/i;

/** A trimmed value, or null for nvidia-smi's "no value" markers and empty fields. */
export function nullableValue(raw: string): string | null {
  const v = raw.trim();
  return v === "" || NULL_VALUE.test(v) ? null : v;
}

/**
 * Reads `nvidia-smi --query-gpu=... --format=csv[,nounits]` output.
 *
 * We ask for the header (not `noheader`) on purpose: fields are looked up by the names in the
 * header row, so parsing does not depend on field order, and a field an old driver does not know
 * (and that we dropped from the query) is simply absent instead of shifting every column after it.
 * Units are stripped from the header (`memory.total [MiB]` -> `memory.total`) and tolerated in
 * values (`81559 MiB`, which `--format=csv` without `nounits` prints). Accepts CRLF and a missing
 * trailing newline. nvidia-smi does not quote values, so a row is split on commas; a row whose
 * field count differs from the header is dropped with a note.
 */
export function parseQueryGpuCsv(text: string): CsvTable {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const header = lines[0];
  if (header === undefined) return { fields: [], rows: [], errors: ["empty --query-gpu output"] };
  const fields = header.split(",").map((f) => f.trim().replace(/\s*\[[^\]]*\]$/, ""));
  const rows: CsvRow[] = [];
  const errors: string[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const values = line.split(",");
    if (values.length !== fields.length) {
      errors.push(`--query-gpu row ${i + 1} has ${values.length} fields, header has ${fields.length}`);
      continue;
    }
    rows.push(new Map(fields.map((f, j) => [f, nullableValue(values[j] ?? "")])));
  }
  return { fields, rows, errors };
}

/** A field as text; null when absent from the table or unset. */
export function csvText(row: CsvRow, field: string): string | null {
  return row.get(field) ?? null;
}

/** A field as a number, ignoring a trailing unit (`81559 MiB`, `26.20 W`, `0 %`); null otherwise. */
export function csvNumber(row: CsvRow, field: string): number | null {
  const v = row.get(field);
  if (v === undefined || v === null) return null;
  const m = /^([-+]?\d+(?:\.\d+)?)(?:\s*[A-Za-z%]+)?$/.exec(v);
  return m?.[1] !== undefined ? Number(m[1]) : null;
}

/** A MIG slice as `nvidia-smi -L` lists it under its parent. */
export interface ListedMig {
  /** Profile name, e.g. `3g.40gb`. */
  profile: string;
  /** The `Device N` number within the parent. */
  migIndex: number;
  uuid: string;
}

/** A physical GPU line of `nvidia-smi -L`, with its MIG slices. */
export interface ListedGpu {
  index: number;
  name: string;
  /** Null when the line carries no UUID. */
  uuid: string | null;
  migs: ListedMig[];
}

// `GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-...)`
const GPU_LINE = /^GPU\s+(\d+):\s*(.*?)\s*(?:\(UUID:\s*([^)\s]+)\s*\))?\s*$/;
// `  MIG 3g.40gb     Device  0: (UUID: MIG-...)`; drivers before R470 print `MIG-GPU-<uuid>/gi/ci`.
const MIG_LINE = /^\s+MIG\s+(\S+)\s+Device\s+(\d+):\s*\(UUID:\s*([^)\s]+)\s*\)\s*$/;

/** Reads `nvidia-smi -L`. Lines that are neither a GPU nor a MIG line are ignored. */
export function parseGpuList(text: string): ListedGpu[] {
  const gpus: ListedGpu[] = [];
  for (const line of text.split(/\r?\n/)) {
    const mig = MIG_LINE.exec(line);
    if (mig !== null) {
      const parent = gpus[gpus.length - 1];
      if (parent !== undefined && mig[1] !== undefined && mig[3] !== undefined) {
        parent.migs.push({ profile: mig[1], migIndex: Number(mig[2]), uuid: mig[3] });
      }
      continue;
    }
    const gpu = GPU_LINE.exec(line);
    if (gpu !== null) {
      gpus.push({ index: Number(gpu[1]), name: gpu[2] ?? "", uuid: gpu[3] ?? null, migs: [] });
    }
  }
  return gpus;
}

/** The CUDA version from `nvidia-smi --version` (`CUDA Version : 13.1`) or the default table. */
export function parseCudaVersion(text: string): string | null {
  return /CUDA Version\s*:\s*(\d+(?:\.\d+)*)/.exec(text)?.[1] ?? null;
}

/** The physical GPUs and MIG slices found, plus notes on anything dropped. */
export interface CombinedGpus {
  driverVersion: string | null;
  gpus: GpuDevice[];
  /** One note per GPU or row left out; empty when everything was read. */
  errors: string[];
}

/**
 * Joins an inventory `--query-gpu` table with `nvidia-smi -L` into devices keyed by UUID.
 *
 * - Index: the `index` column, else the row's position (nvidia-smi prints rows in index order).
 * - UUID: the `uuid` column, else the `-L` line with the same index. A GPU with no UUID from
 *   either is dropped with a note: devices are never keyed by index.
 * - MIG: a GPU whose `mig.mode.current` is Enabled, or that has MIG lines under it in `-L`, gets
 *   `migEnabled: true`, and each slice becomes a device of its own after its parent, with the
 *   parent's index, PCI bus id and compute capability. The slice's `memoryMiB` is null: the
 *   profile name only gives rounded GB (`1g.10gb` is 9984 MiB on an H100), and neither
 *   `--query-gpu` nor `-L` reports slice memory. The profile name travels in `migProfile`.
 */
export function combineGpus(table: CsvTable, list: readonly ListedGpu[]): CombinedGpus {
  const errors = [...table.errors];
  const gpus: GpuDevice[] = [];
  const seen = new Set<string>();
  let driverVersion: string | null = null;
  for (const [position, row] of table.rows.entries()) {
    driverVersion ??= csvText(row, "driver_version");
    const index = csvNumber(row, "index") ?? position;
    const csvUuid = csvText(row, "uuid");
    const listed =
      csvUuid !== null ? list.find((g) => g.uuid === csvUuid) : list.find((g) => g.index === index);
    const uuid = csvUuid ?? listed?.uuid ?? null;
    const name = csvText(row, "name") ?? listed?.name ?? "";
    if (uuid === null) {
      errors.push(`GPU index ${index} (${name || "unnamed"}) has no UUID; left out`);
      continue;
    }
    if (seen.has(uuid)) {
      errors.push(`GPU index ${index} repeats UUID ${uuid}; left out`);
      continue;
    }
    seen.add(uuid);
    const migs = listed?.migs ?? [];
    const parent: GpuDevice = {
      uuid,
      index,
      name,
      memoryMiB: csvNumber(row, "memory.total"),
      pciBusId: csvText(row, "pci.bus_id"),
      computeCap: csvText(row, "compute_cap"),
      migEnabled: csvText(row, "mig.mode.current")?.toLowerCase() === "enabled" || migs.length > 0,
      parentUuid: null,
      migProfile: null,
      migIndex: null,
    };
    gpus.push(parent);
    for (const mig of migs) {
      if (seen.has(mig.uuid)) {
        errors.push(`MIG device ${mig.uuid} listed twice; left out`);
        continue;
      }
      seen.add(mig.uuid);
      gpus.push({
        ...parent,
        uuid: mig.uuid,
        name: `${name} MIG ${mig.profile}`,
        memoryMiB: null,
        migEnabled: false,
        parentUuid: uuid,
        migProfile: mig.profile,
        migIndex: mig.migIndex,
      });
    }
  }
  return { driverVersion, gpus, errors };
}

/**
 * The report for a node where nvidia-smi answered: `available` is true, and `error` joins the
 * notes on anything left out (from parsing, and `extraNotes` from the caller), or is null.
 */
export function buildGpuReport(
  table: CsvTable,
  list: readonly ListedGpu[],
  cudaVersion: string | null,
  extraNotes: readonly string[] = [],
): GpuReport {
  const combined = combineGpus(table, list);
  const notes = [...extraNotes, ...combined.errors];
  return {
    available: true,
    error: notes.length > 0 ? notes.join("; ") : null,
    driverVersion: combined.driverVersion,
    cudaVersion,
    gpus: combined.gpus,
  };
}

/**
 * Reads a metrics `--query-gpu` table into samples, one per physical GPU with a UUID. MIG slices
 * get none: `--query-gpu` reports parents only, and under MIG the parent's utilization is [N/A].
 */
export function parseGpuSamples(table: CsvTable): GpuSample[] {
  const samples: GpuSample[] = [];
  for (const row of table.rows) {
    const uuid = csvText(row, "uuid");
    if (uuid === null) continue;
    samples.push({
      uuid,
      utilizationPercent: csvNumber(row, "utilization.gpu"),
      memoryUtilizationPercent: csvNumber(row, "utilization.memory"),
      memoryUsedMiB: csvNumber(row, "memory.used"),
      temperatureC: csvNumber(row, "temperature.gpu"),
      powerWatts: csvNumber(row, "power.draw"),
    });
  }
  return samples;
}
