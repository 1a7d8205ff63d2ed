// corral node replace NAME: revoke a node's credential so a new agent may join under its name (admin).
import type { Command } from "commander";
import type { NodeJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("replace")
    .description(
      "revoke a node's credential (its agent is disconnected) and let the next join with a valid " +
        "token take the node over, once (admin)",
    )
    .argument("<name>", "node name or id")
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON for the updated node")
    .action(async (name: string, opts: { cluster?: string }, self: Command) => {
      const client = await ctx.client(self);
      const node = await client.post<NodeJson>(`/nodes/${seg(name)}/replace`, undefined, {
        cluster: opts.cluster,
      });
      if (ctx.json(self)) return printJson(ctx.out, node);
      ctx.out.write(
        `Node ${node.name}: credential revoked; the next agent joining as ${node.name} takes it over\n`,
      );
    });
  examples(cmd, ["corral node replace gpu-01", "corral node replace gpu-01 --cluster edge"]);
}
