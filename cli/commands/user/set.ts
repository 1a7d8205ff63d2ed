// corral user set NAME: make admin or not, disable or enable (admin). An admin cannot demote or
// disable themself (the hub answers 409).
import type { Command } from "commander";
import type { UserJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { UsageError } from "../../errors";
import { printJson } from "../../output";

interface SetOptions {
  admin?: boolean;
  disable?: boolean;
  enable?: boolean;
}

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("set")
    .description("change a user's role or status (admin)")
    .argument("<username>")
    .option("--admin", "make the user an admin")
    .option("--no-admin", "remove the user's admin rights")
    .option("--disable", "refuse the user's logins and tokens at once")
    .option("--enable", "let a disabled user in again")
    .option("--json", "print the hub's JSON for the user")
    .action(async (username: string, opts: SetOptions, self: Command) => {
      if (opts.disable && opts.enable) throw new UsageError("give --disable or --enable, not both");
      const body = {
        ...(opts.admin !== undefined ? { admin: opts.admin } : {}),
        ...(opts.disable ? { status: "disabled" } : opts.enable ? { status: "active" } : {}),
      };
      if (Object.keys(body).length === 0)
        throw new UsageError("nothing to change: give --admin, --no-admin, --disable or --enable");
      const client = await ctx.client(self);
      const user = await client.patch<UserJson>(`/users/${seg(username)}`, body);
      if (ctx.json(self)) return printJson(ctx.out, user);
      ctx.out.write(`${user.username}: ${user.admin ? "admin" : "user"}, ${user.status}\n`);
    });
  examples(cmd, ["corral user set alice --admin", "corral user set bob --disable"]);
}
