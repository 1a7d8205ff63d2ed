// corral user passwd NAME: reset a user's password (admin); the user's logins are revoked.
import type { Command } from "commander";
import type { UserJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";
import { newPassword } from "./password";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("passwd")
    .description("reset a user's password and sign them out everywhere (admin)")
    .argument("<username>")
    .option("--password <password>", "the new password (prompted without echo when omitted)")
    .option("--json", "print the hub's JSON for the user")
    .action(async (username: string, opts: { password?: string }, self: Command) => {
      const password = await newPassword(ctx, opts.password, `New password for ${username}: `);
      ctx.prompter.close();
      const client = await ctx.client(self);
      const user = await client.post<UserJson>(`/users/${seg(username)}/password`, { password });
      if (ctx.json(self)) return printJson(ctx.out, user);
      ctx.out.write(`Password of ${user.username} reset; their logins are revoked\n`);
    });
  examples(cmd, ["corral user passwd alice"]);
}
