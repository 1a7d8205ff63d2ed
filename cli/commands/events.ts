// corral events: the newest events of every workload (yours, or every user's for an admin),
// oldest first.
import type { Command } from "commander";
import type { ListResponse } from "../api-types";
import type { CliContext } from "../context";
import { examples } from "../context";
import { formatTable, printJson } from "../output";

interface EventJson {
  at: string;
  workload: string | null;
  type: string;
  reason: string;
  message: string;
}

export const EVENTS_HEADERS = ["AT", "WORKLOAD", "TYPE", "REASON", "MESSAGE"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("events")
    .description("show the newest workload events (yours; every user's for an admin)")
    .option("--limit <n>", "how many, 1-1000 (default 50)", (v) => Number(v))
    .option("--json", "print the hub's JSON")
    .action(async (opts: { limit?: number }, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<EventJson>>("/events", {
        limit: opts.limit === undefined ? undefined : String(opts.limit),
      });
      if (ctx.json(self)) return printJson(ctx.out, res);
      ctx.out.write(
        formatTable(
          EVENTS_HEADERS,
          res.items.map((e) => [e.at, e.workload ?? "-", e.type, e.reason, e.message]),
        ),
      );
    });
  examples(cmd, ["corral events", "corral events --limit 200 --json"]);
}
