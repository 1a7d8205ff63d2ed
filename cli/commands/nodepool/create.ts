// corral nodepool create <name> --selector key=value...: a pool of the nodes carrying every label.
import type { Command } from "commander";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatTable, printJson } from "../../output";
import { NODEPOOL_HEADERS, nodePoolRow, type NodePoolJson } from "./format";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("create <name>")
    .description("create a node pool from a label selector (admin)")
    .requiredOption(
      "-s, --selector <key=value>",
      "label every node of the pool carries (repeat for more)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--json", "print the hub's JSON")
    .action(async (name: string, opts: { selector: string[] }, self: Command) => {
      const client = await ctx.client(self);
      const p = await client.post<NodePoolJson>("/node-pools", { name, labelSelector: opts.selector });
      if (ctx.json(self)) return printJson(ctx.out, p);
      ctx.out.write(formatTable(NODEPOOL_HEADERS, [nodePoolRow(p)]));
    });
  examples(cmd, [
    "corral nodepool create a100 --selector gpu=a100",
    "corral nodepool create edge -s site=lyon -s tier=edge",
  ]);
}
