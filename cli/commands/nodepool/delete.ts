// corral nodepool delete <name>: its nodes fall back to the default pool. Asks unless --yes.
import type { Command } from "commander";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";
import type { NodePoolJson } from "./format";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("delete <name>")
    .alias("rm")
    .description("delete a node pool; its nodes go back to the default pool (admin)")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--json", "print the hub's JSON")
    .action(async (name: string, opts: { yes?: boolean }, self: Command) => {
      ctx.prompter.assertCanConfirm(opts.yes === true);
      await ctx.prompter.confirm(`Delete node pool ${name}?`, opts.yes === true);
      const client = await ctx.client(self);
      const p = await client.delete<NodePoolJson>(`/node-pools/${seg(name)}`);
      if (ctx.json(self)) return printJson(ctx.out, p);
      ctx.out.write(`Deleted node pool ${p.name}\n`);
    });
  examples(cmd, ["corral nodepool delete a100 --yes"]);
}
