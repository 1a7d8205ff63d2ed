// corral cluster label remove CLUSTER LABEL: the label goes URL-encoded in the path.
import type { Command } from "commander";
import type { ClusterJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatLabels, printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("remove")
    .alias("rm")
    .description("remove a label from a cluster (admin)")
    .argument("<cluster>", "cluster name or id")
    .argument("<label>", "the label exactly as listed")
    .option("--json", "print the hub's JSON for the updated cluster")
    .action(async (name: string, label: string, _opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const cluster = await client.delete<ClusterJson>(`/clusters/${seg(name)}/labels/${seg(label)}`);
      if (ctx.json(self)) return printJson(ctx.out, cluster);
      ctx.out.write(`Labels on cluster ${cluster.name}: ${formatLabels(cluster.labels)}\n`);
    });
  examples(cmd, ["corral cluster label remove edge-berlin site=berlin"]);
}
