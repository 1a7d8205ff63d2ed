// corral nodepool show <name>: one pool, with the nodes it selects.
import type { Command } from "commander";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatTable, printJson } from "../../output";
import { NODEPOOL_HEADERS, nodePoolRow, type NodePoolJson } from "./format";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("show <name>")
    .description("show a node pool and its nodes")
    .option("--json", "print the hub's JSON")
    .action(async (name: string, _opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const p = await client.get<NodePoolJson>(`/node-pools/${seg(name)}`);
      if (ctx.json(self)) return printJson(ctx.out, p);
      ctx.out.write(formatTable(NODEPOOL_HEADERS, [nodePoolRow(p)]));
      ctx.out.write(`Nodes: ${p.nodes.length ? p.nodes.join(", ") : "none"}\n`);
    });
  examples(cmd, ["corral nodepool show a100"]);
}
