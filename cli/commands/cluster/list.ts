// corral cluster list: clusters with their node counts and labels.
import type { Command } from "commander";
import type { ClusterJson, ListResponse } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatAge, formatLabels, formatTable, printJson } from "../../output";

export const CLUSTER_LIST_HEADERS = ["NAME", "NODES", "READY", "LABELS", "AGE"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list clusters")
    .option("--json", "print the hub's JSON")
    .action(async (_opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<ClusterJson>>("/clusters");
      if (ctx.json(self)) return printJson(ctx.out, res);
      const now = ctx.io.now();
      const rows = res.items.map((c) => [
        c.name,
        String(c.nodeCount),
        String(c.readyNodeCount),
        formatLabels(c.labels),
        formatAge(c.createdAt, now),
      ]);
      ctx.out.write(formatTable(CLUSTER_LIST_HEADERS, rows));
    });
  examples(cmd, ["corral cluster list", "corral cluster list --json"]);
}
