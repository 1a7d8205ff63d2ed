// corral node metrics NAME: the node's stored samples (CPU, memory, every GPU's utilisation and
// temperature), oldest first; --since picks how far back (default 1h).
import type { Command } from "commander";
import type { ListResponse, NodeSampleJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatMiB, formatTable, printJson, shortId } from "../../output";
import { parseDuration } from "../../parse";

export const NODE_METRICS_HEADERS = ["AT", "CPU", "MEMORY", "GPU", "UTIL", "TEMP", "GPU MEMORY"];

const pct = (p: number | null) => (p === null ? "-" : `${Math.round(p)}%`);

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("metrics")
    .description("show a node's CPU, memory and per-GPU utilisation and temperature over time")
    .argument("<name>", "node name or id")
    .option("--since <duration>", "how far back: number with unit s, m, h or d (default 1h)", parseDuration)
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON")
    .action(async (name: string, opts: { since?: number; cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const from = new Date(ctx.io.now().getTime() - (opts.since ?? 3600) * 1000).toISOString();
      const res = await client.get<ListResponse<NodeSampleJson>>(`/nodes/${seg(name)}/metrics`, {
        from,
        cluster: opts.cluster,
      });
      if (ctx.json(self)) return printJson(ctx.out, res);
      const rows = res.items.flatMap((s) => {
        const node = [s.at, pct(s.cpuPercent), formatMiB(s.memoryUsedMiB)];
        if (s.gpus.length === 0) return [[...node, "-", "-", "-", "-"]];
        return s.gpus.map((g) => [
          ...node,
          shortId(g.uuid.replace(/^(GPU|MIG)-/, "")),
          pct(g.utilizationPercent),
          g.temperatureC === null ? "-" : `${g.temperatureC}C`,
          formatMiB(g.memoryUsedMiB),
        ]);
      });
      ctx.out.write(formatTable(NODE_METRICS_HEADERS, rows));
    });
  examples(cmd, ["corral node metrics gpu-01", "corral node metrics gpu-01 --since 10m --json"]);
}
