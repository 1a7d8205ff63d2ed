// corral node cordon NAME: stop placing new tasks on a node; running tasks keep running (admin).
import type { Command } from "commander";
import type { NodeJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("cordon")
    .description("stop placing new tasks on a node; running tasks keep running (admin)")
    .argument("<name>", "node name or id")
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON for the updated node")
    .action(async (name: string, opts: { cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const node = await client.post<NodeJson>(`/nodes/${seg(name)}/cordon`, undefined, {
        cluster: opts.cluster,
      });
      if (ctx.json(self)) return printJson(ctx.out, node);
      ctx.out.write(`Node ${node.name} is ${node.schedulable ? "schedulable" : "cordoned"}\n`);
    });
  examples(cmd, ["corral node cordon gpu-01"]);
}
