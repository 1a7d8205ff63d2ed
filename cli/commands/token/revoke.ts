// corral token revoke ID: the id may be any unique prefix (as `token list` shows 8 characters); the
// hub wants the whole id, so the prefix is resolved against GET /join-tokens first. Asks first on a
// terminal; scripts pass --yes.
import type { Command } from "commander";
import type { JoinTokenJson, ListResponse } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson, shortId } from "../../output";
import { resolvePrefix } from "../../resolve";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("revoke")
    .description("revoke a join token so no more nodes can join with it (admin)")
    .argument("<id>", "token id or a unique prefix of it")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--json", "print the hub's JSON for the revoked token")
    .action(async (prefix: string, opts: { yes?: boolean }, self: Command) => {
      ctx.prompter.assertCanConfirm(opts.yes === true);
      const client = await ctx.client(self);
      const all = await client.get<ListResponse<JoinTokenJson>>("/join-tokens");
      const token = resolvePrefix(all.items, prefix, "join token");
      const label = `${shortId(token.id)}${token.description ? ` (${token.description})` : ""}`;
      await ctx.prompter.confirm(`Revoke join token ${label}?`, opts.yes === true);
      ctx.prompter.close();
      const revoked = await client.delete<JoinTokenJson>(`/join-tokens/${seg(token.id)}`);
      if (ctx.json(self)) return printJson(ctx.out, revoked);
      ctx.out.write(`Revoked join token ${token.id}\n`);
    });
  examples(cmd, ["corral token revoke 3f1c9a2b", "corral token revoke 3f1c --yes"]);
}
