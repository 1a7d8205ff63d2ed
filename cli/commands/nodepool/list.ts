// corral nodepool list: node pools with their selector, node count and capacity.
import type { Command } from "commander";
import type { ListResponse } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatTable, printJson } from "../../output";
import { NODEPOOL_HEADERS, nodePoolRow, type NodePoolJson } from "./format";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list node pools")
    .option("--json", "print the hub's JSON")
    .action(async (_opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<NodePoolJson>>("/node-pools");
      if (ctx.json(self)) return printJson(ctx.out, res);
      ctx.out.write(formatTable(NODEPOOL_HEADERS, res.items.map(nodePoolRow)));
    });
  examples(cmd, ["corral nodepool list", "corral nodepool list --json"]);
}
