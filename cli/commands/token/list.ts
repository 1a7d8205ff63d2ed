// corral token list: join tokens (never their secrets), with whether each can still be used.
import type { Command } from "commander";
import type { JoinTokenJson, ListResponse } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatAge, formatTable, printJson, shortId } from "../../output";

export const TOKEN_LIST_HEADERS = ["ID", "DESCRIPTION", "CLUSTER", "STATE", "AGE", "EXPIRES", "LAST USED"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list join tokens (admin)")
    .option("--json", "print the hub's JSON")
    .action(async (_opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<JoinTokenJson>>("/join-tokens");
      if (ctx.json(self)) return printJson(ctx.out, res);
      const now = ctx.io.now();
      const rows = res.items.map((t) => [
        shortId(t.id),
        t.description ?? "",
        t.cluster ?? "",
        t.revokedAt ? "revoked" : t.valid ? "valid" : "expired",
        formatAge(t.createdAt, now),
        t.expiresAt ?? "never",
        t.lastUsedAt ?? "never",
      ]);
      ctx.out.write(formatTable(TOKEN_LIST_HEADERS, rows));
    });
  examples(cmd, ["corral token list", "corral token list --json"]);
}
