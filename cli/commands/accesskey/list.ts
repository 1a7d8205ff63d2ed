// corral accesskey list: access keys (never their secrets); an admin sees every user's.
import type { Command } from "commander";
import type { AccessKeyJson, ListResponse } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatAge, formatTable, printJson } from "../../output";

export const ACCESS_KEY_HEADERS = ["ACCESS KEY", "USER", "DESCRIPTION", "STATUS", "AGE"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list access keys")
    .option("--json", "print the hub's JSON")
    .action(async (_opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<AccessKeyJson>>("/access-keys");
      if (ctx.json(self)) return printJson(ctx.out, res);
      const now = ctx.io.now();
      const rows = res.items.map((k) => [
        k.id,
        k.username ?? "",
        k.description,
        k.status,
        formatAge(k.createdAt, now),
      ]);
      ctx.out.write(formatTable(ACCESS_KEY_HEADERS, rows));
    });
  examples(cmd, ["corral accesskey list", "corral accesskey list --json"]);
}
