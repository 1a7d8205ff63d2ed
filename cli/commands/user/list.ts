// corral user list: every user with role and status (admin).
import type { Command } from "commander";
import type { ListResponse, UserJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatAge, formatTable, printJson } from "../../output";

export const USER_LIST_HEADERS = ["USERNAME", "ROLE", "STATUS", "AGE"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list users (admin)")
    .option("--json", "print the hub's JSON")
    .action(async (_opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<UserJson>>("/users");
      if (ctx.json(self)) return printJson(ctx.out, res);
      const now = ctx.io.now();
      const rows = res.items.map((u) => [
        u.username,
        u.admin ? "admin" : "user",
        u.status,
        formatAge(u.createdAt, now),
      ]);
      ctx.out.write(formatTable(USER_LIST_HEADERS, rows));
    });
  examples(cmd, ["corral user list", "corral user list --json"]);
}
