// corral workload show ID: the workload's spec and one line per task. ID may be a unique prefix
// (the hub resolves it).
import type { Command } from "commander";
import type { WorkloadJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatCpu, formatKeyValues, formatMiB, formatTable, formatTime, printJson } from "../../output";

export const TASK_HEADERS = ["INDEX", "STATE", "NODE", "EXIT", "CONTAINER", "GPUS", "REASON"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("show")
    .description("show a workload and its tasks")
    .argument("<id>", "workload id or a unique prefix of it")
    .option("--json", "print the hub's JSON")
    .action(async (id: string, _opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const w = await client.get<WorkloadJson>(`/workloads/${seg(id)}`);
      if (ctx.json(self)) return printJson(ctx.out, w);
      ctx.out.write(formatWorkload(w, ctx.io.now()));
    });
  examples(cmd, ["corral workload show 3f1c9a2b", "corral workload show 3f1c --json | jq '.tasks[].state'"]);
}

export function formatWorkload(w: WorkloadJson, now: Date): string {
  const r = w.resources;
  const header = formatKeyValues([
    ["ID", w.id],
    ["Name", w.name],
    ["Owner", w.owner],
    ["State", w.state],
    ["Image", w.image],
    ["Command", w.command.length > 0 ? w.command.map(quoteArg).join(" ") : "(image default)"],
    ["Instances", String(w.instances)],
    [
      "Resources",
      `cpu ${r.cpuMilli ? formatCpu(r.cpuMilli) : "no limit"}, memory ${r.memoryMiB ? formatMiB(r.memoryMiB) : "no limit"}, gpu ${r.gpu}`,
    ],
    [
      "Ports",
      w.ports.length > 0 ? w.ports.map((p) => `${p.name}:${p.containerPort}/${p.protocol}`).join(", ") : "-",
    ],
    [
      "Env",
      Object.keys(w.env).length > 0
        ? Object.entries(w.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        : "-",
    ],
    ["Node selector", w.nodeSelector.length > 0 ? w.nodeSelector.join(", ") : "-"],
    ["Cluster", w.cluster ?? "any"],
    ["Created", formatTime(w.createdAt, now)],
    ["Finished", formatTime(w.finishedAt, now)],
    // Interactive workloads only (left out when absent): their volumes and lease.
    ["Volumes", w.volumes?.length ? w.volumes.map((v) => `${v.name}:${v.mountPath}`).join(", ") : undefined],
    ["Lease", w.lease ? `${w.lease.durationSec}s per start, stops at ${w.lease.expiresAt}` : undefined],
  ]);
  const rows = [...w.tasks]
    .sort((a, b) => a.index - b.index)
    .map((t) => [
      String(t.index),
      t.state,
      t.node ?? "",
      t.exitCode === null ? "" : String(t.exitCode),
      t.containerId ? t.containerId.slice(0, 12) : "",
      t.gpus.join(","),
      t.reason ?? t.message ?? "",
    ]);
  return `${header}\nTasks:\n${formatTable(TASK_HEADERS, rows)}`;
}

/** Shows an argument so it could be pasted back into a shell. */
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
