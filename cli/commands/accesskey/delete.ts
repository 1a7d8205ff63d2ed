// corral accesskey delete AK: the key stops verifying signatures at once. The AK may be a unique
// prefix. Asks first on a terminal; scripts pass --yes.
import type { Command } from "commander";
import type { AccessKeyJson, ListResponse } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";
import { resolvePrefix } from "../../resolve";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("delete")
    .alias("rm")
    .description("delete an access key")
    .argument("<ak>", "access key id or a unique prefix of it")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--json", "print the hub's JSON for the deleted key")
    .action(async (prefix: string, opts: { yes?: boolean }, self: Command) => {
      ctx.prompter.assertCanConfirm(opts.yes === true);
      const client = await ctx.client(self);
      const all = await client.get<ListResponse<AccessKeyJson>>("/access-keys");
      const key = resolvePrefix(all.items, prefix, "access key");
      await ctx.prompter.confirm(`Delete access key ${key.id} of ${key.username ?? "?"}?`, opts.yes === true);
      ctx.prompter.close();
      const deleted = await client.delete<AccessKeyJson>(`/access-keys/${seg(key.id)}`);
      if (ctx.json(self)) return printJson(ctx.out, deleted);
      ctx.out.write(`Deleted access key ${key.id}\n`);
    });
  examples(cmd, ["corral accesskey delete AKEXAMPLE0000000001 --yes", "corral accesskey rm AKEX"]);
}
