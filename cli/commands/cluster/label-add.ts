// corral cluster label add CLUSTER LABEL: labels are plain strings (`site=berlin`, `edge`).
import type { Command } from "commander";
import type { ClusterJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatLabels, printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("add")
    .description("add a label to a cluster (admin)")
    .argument("<cluster>", "cluster name or id")
    .argument("<label>", "plain string, e.g. edge or site=berlin")
    .option("--json", "print the hub's JSON for the updated cluster")
    .action(async (name: string, label: string, _opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const cluster = await client.post<ClusterJson>(`/clusters/${seg(name)}/labels`, { label });
      if (ctx.json(self)) return printJson(ctx.out, cluster);
      ctx.out.write(`Labels on cluster ${cluster.name}: ${formatLabels(cluster.labels)}\n`);
    });
  examples(cmd, ["corral cluster label add edge-berlin site=berlin"]);
}
