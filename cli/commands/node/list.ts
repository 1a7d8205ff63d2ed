// corral node list: every node with status, schedulability, and allocated/capacity of GPU, CPU, memory.
import type { Command } from "commander";
import type { ListResponse, NodeJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatCpu, formatLabels, formatMiB, formatTable, printJson } from "../../output";

export const NODE_LIST_HEADERS = [
  "NAME",
  "CLUSTER",
  "STATUS",
  "SCHEDULABLE",
  "GPUS",
  "CPU",
  "MEMORY",
  "LABELS",
];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list nodes (GPUS, CPU and MEMORY show allocated/capacity)")
    .option("--cluster <name>", "only nodes of this cluster")
    .option("--json", "print the hub's JSON")
    .action(async (opts: { cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<NodeJson>>("/nodes", { cluster: opts.cluster });
      if (ctx.json(self)) return printJson(ctx.out, res);
      ctx.out.write(formatTable(NODE_LIST_HEADERS, res.items.map(nodeRow)));
    });
  examples(cmd, [
    "corral node list",
    "corral node list --cluster edge-berlin",
    "corral node list --json | jq '.items[].name'",
  ]);
}

function nodeRow(n: NodeJson): string[] {
  const a = n.allocated;
  const c = n.capacity;
  return [
    n.name,
    n.cluster,
    n.status,
    n.schedulable ? "yes" : "no (cordoned)",
    `${a?.gpu ?? 0}/${c?.gpu ?? 0}`,
    `${formatCpu(a?.cpuMilli ?? 0)}/${formatCpu(c?.cpuMilli)}`,
    `${formatMiB(a?.memoryMiB ?? 0)}/${formatMiB(c?.memoryMiB)}`,
    formatLabels(n.labels),
  ];
}
