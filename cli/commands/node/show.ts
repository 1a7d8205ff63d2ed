// corral node show NAME: everything the hub knows about one node, hardware included.
import type { Command } from "commander";
import type { NodeJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";
import { formatNode } from "./format-node";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("show")
    .description("show one node: status, labels, runtime, CPU, memory, every GPU and MIG slice, disks, NICs")
    .argument("<name>", "node name or id")
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON")
    .action(async (name: string, opts: { cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const node = await client.get<NodeJson>(`/nodes/${seg(name)}`, { cluster: opts.cluster });
      if (ctx.json(self)) return printJson(ctx.out, node);
      ctx.out.write(formatNode(node, ctx.io.now()));
    });
  examples(cmd, ["corral node show gpu-01", "corral node show gpu-01 --cluster edge-berlin --json"]);
}
