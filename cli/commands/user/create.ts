// corral user create NAME: a new user (admin); the password is prompted for without echo.
import type { Command } from "commander";
import type { UserJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";
import { newPassword } from "./password";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("create")
    .description("create a user (admin)")
    .argument("<username>", "1-64 letters, digits, '_', '.' or '-'")
    .option("--password <password>", "initial password (prompted without echo when omitted)")
    .option("--admin", "make the user an admin")
    .option("--json", "print the hub's JSON for the user")
    .action(async (username: string, opts: { password?: string; admin?: boolean }, self: Command) => {
      const password = await newPassword(ctx, opts.password, `Password for ${username}: `);
      ctx.prompter.close();
      const client = await ctx.client(self);
      const user = await client.post<UserJson>("/users", { username, password, admin: opts.admin === true });
      if (ctx.json(self)) return printJson(ctx.out, user);
      ctx.out.write(`Created ${user.admin ? "admin" : "user"} ${user.username}\n`);
    });
  examples(cmd, ["corral user create alice", 'corral user create bob --admin --password "$PW"']);
}
