// corral node drain NAME: cordon a node and move its tasks to other nodes (admin).
import type { Command } from "commander";
import type { NodeJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("drain")
    .description("cordon a node and move its tasks to other nodes; daemon-set tasks stay (admin)")
    .argument("<name>", "node name or id")
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON for the drained node")
    .action(async (name: string, opts: { cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const node = await client.post<NodeJson & { evicted: number; pinned: number }>(
        `/nodes/${seg(name)}/drain`,
        undefined,
        { cluster: opts.cluster },
      );
      if (ctx.json(self)) return printJson(ctx.out, node);
      ctx.out.write(
        `Node ${node.name} is cordoned; ${node.evicted} task(s) moving to other nodes` +
          (node.pinned > 0 ? `, ${node.pinned} pinned to it stay\n` : "\n"),
      );
    });
  examples(cmd, ["corral node drain gpu-01"]);
}
