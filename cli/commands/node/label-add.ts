// corral node label add NAME LABEL: labels are plain strings (`gpu`, `zone=a`); workloads select nodes by them.
import type { Command } from "commander";
import type { NodeJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatLabels, printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("add")
    .description("add a label to a node (admin)")
    .argument("<name>", "node name or id")
    .argument("<label>", "plain string, e.g. gpu or zone=a")
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON for the updated node")
    .action(async (name: string, label: string, opts: { cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const node = await client.post<NodeJson>(
        `/nodes/${seg(name)}/labels`,
        { label },
        { cluster: opts.cluster },
      );
      if (ctx.json(self)) return printJson(ctx.out, node);
      ctx.out.write(`Labels on node ${node.name}: ${formatLabels(node.labels)}\n`);
    });
  examples(cmd, ["corral node label add gpu-01 zone=a", "corral node label add gpu-01 a100"]);
}
