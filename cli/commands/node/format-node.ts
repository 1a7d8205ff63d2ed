// The people view of one node for `corral node show`: a key/value block, then GPUs (with their MIG
// slices under each parent), disks and NICs. Missing hardware facts print as `-`, never crash.
import type { Gpu, NodeJson, Resources } from "../../api-types";
import { formatCpu, formatKeyValues, formatLabels, formatMiB, formatTable, formatTime } from "../../output";

export function formatNode(n: NodeJson, now: Date): string {
  const hw = n.hardware ?? undefined;
  const os = hw?.os;
  const cpu = hw?.cpu;
  const m = n.metrics ?? undefined;
  const blocks: string[] = [];
  blocks.push(
    formatKeyValues([
      ["Name", n.name],
      ["ID", n.id],
      ["Cluster", n.cluster],
      ["Status", n.status],
      ["Schedulable", n.schedulable ? "yes" : "no (cordoned)"],
      ["Labels", formatLabels(n.labels)],
      ["Address", n.address ?? "-"],
      ["Agent version", n.agentVersion ?? "-"],
      ["Last seen", formatTime(n.lastSeenAt, now)],
      ["Created", formatTime(n.createdAt, now)],
      // Shown only when set (formatKeyValues skips undefined): GPUs or memory changed, replace pending.
      ["Hardware changed", n.hardwareChangedAt ? formatTime(n.hardwareChangedAt, now) : undefined],
      ["Replace pending", n.replacePending ? "yes (the next join takes it over)" : undefined],
      [
        "OS",
        os
          ? `${os.distro ?? "?"} ${os.release ?? ""} (${os.platform ?? "?"}/${os.arch ?? "?"}, kernel ${os.kernel ?? "?"}, hostname ${os.hostname ?? "?"})`
          : "-",
      ],
      [
        "CPU",
        cpu
          ? `${[cpu.manufacturer, cpu.brand].filter(Boolean).join(" ") || "?"}, ${cpu.cores ?? "?"} cores (${cpu.physicalCores ?? "?"} physical) @ ${cpu.speedGhz ?? "?"} GHz`
          : "-",
      ],
      ["Memory", formatMiB(hw?.memory?.totalMiB)],
      ["Runtime", formatRuntime(n)],
      ["Capacity", formatResources(n.capacity)],
      ["Allocated", formatResources(n.allocated)],
      [
        "Metrics",
        m
          ? `cpu ${m.cpuPercent ?? "?"}%, memory used ${formatMiB(m.memoryUsedMiB)}, load1 ${m.load1 ?? "?"} (sampled ${m.sampledAt ?? "?"})`
          : "-",
      ],
      ["GPUs", formatGpuSummary(n)],
    ]),
  );
  const gpus = hw?.gpus ?? [];
  if (gpus.length > 0) blocks.push(formatGpus(gpus));
  const disks = hw?.disks ?? [];
  if (disks.length > 0) {
    blocks.push(
      "Disks:\n" +
        indent(
          formatTable(
            ["NAME", "MOUNT", "FS", "USED", "SIZE"],
            disks.map((d) => [d.name, d.mount, d.fsType, formatMiB(d.usedMiB), formatMiB(d.sizeMiB)]),
          ),
        ),
    );
  }
  const nics = hw?.nics ?? [];
  if (nics.length > 0) {
    blocks.push(
      "NICs:\n" +
        indent(
          formatTable(
            ["NAME", "ADDRESSES", "MAC", "SPEED", "VIRTUAL"],
            nics.map((x) => [
              x.name,
              x.addresses.join(","),
              x.mac,
              x.speedMbps === null ? "-" : `${x.speedMbps}Mbps`,
              x.virtual ? "yes" : "no",
            ]),
          ),
        ),
    );
  }
  return blocks.join("\n");
}

function formatRuntime(n: NodeJson): string {
  const r = n.runtime;
  if (!r) return "-";
  const name = `${r.name}${r.version ? ` ${r.version}` : ""}`;
  return r.available ? `${name}, available` : `${name}, unavailable: ${r.error ?? "no reason given"}`;
}

function formatResources(r: Resources | undefined): string {
  if (!r) return "-";
  return `cpu ${formatCpu(r.cpuMilli)}, memory ${formatMiB(r.memoryMiB)}, gpu ${r.gpu}`;
}

function formatGpuSummary(n: NodeJson): string {
  const hw = n.hardware;
  if (!hw) return "-";
  if (hw.gpuAvailable === false) return `unavailable: ${hw.gpuError ?? "no reason given"}`;
  const count = (hw.gpus ?? []).filter((g) => !g.parentUuid).length;
  return `${count} (driver ${hw.driverVersion ?? "?"}, CUDA ${hw.cudaVersion ?? "?"})`;
}

/** One line per physical GPU, its MIG slices indented under it; slices whose parent is unknown go last. */
function formatGpus(gpus: readonly Gpu[]): string {
  const parents = gpus.filter((g) => !g.parentUuid);
  const known = new Set(parents.map((g) => g.uuid));
  const rows: string[][] = [];
  for (const g of parents) {
    rows.push([
      String(g.index),
      g.name,
      formatMiB(g.memoryMiB),
      g.uuid,
      g.pciBusId ?? "-",
      g.computeCap ?? "-",
      g.migEnabled ? "enabled" : "-",
    ]);
    for (const s of gpus.filter((x) => x.parentUuid === g.uuid)) rows.push(sliceRow(s));
  }
  for (const s of gpus.filter((x) => x.parentUuid && !known.has(x.parentUuid))) rows.push(sliceRow(s));
  return (
    "GPU devices:\n" + indent(formatTable(["INDEX", "NAME", "MEMORY", "UUID", "PCI", "CC", "MIG"], rows))
  );
}

function sliceRow(s: Gpu): string[] {
  const profile = s.migProfile ?? "slice";
  return [
    `  └ ${s.migIndex ?? "?"}`,
    `MIG ${profile}`,
    formatMiB(s.memoryMiB),
    s.uuid,
    "-",
    "-",
    `of ${s.parentUuid ?? "?"}`,
  ];
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : `  ${l}`))
    .join("\n");
}
