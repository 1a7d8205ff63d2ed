// corral workload list: newest first, one line per workload.
import type { Command } from "commander";
import type { ListResponse, WorkloadJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatAge, formatTable, printJson, shortId } from "../../output";

export const WORKLOAD_LIST_HEADERS = ["ID", "NAME", "STATE", "TASKS", "AGE"];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list workloads, newest first (TASKS is running/total)")
    .option("--state <state>", "only this state: pending, running, stopping, succeeded, failed or stopped")
    .option("--json", "print the hub's JSON")
    .action(async (opts: { state?: string }, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<WorkloadJson>>("/workloads", { state: opts.state });
      if (ctx.json(self)) return printJson(ctx.out, res);
      const now = ctx.io.now();
      const rows = res.items.map((w) => [
        shortId(w.id),
        w.name,
        w.state,
        `${w.tasks.filter((t) => t.state === "running").length}/${w.tasks.length}`,
        formatAge(w.createdAt, now),
      ]);
      ctx.out.write(formatTable(WORKLOAD_LIST_HEADERS, rows));
    });
  examples(cmd, ["corral workload list", "corral workload list --state running --json"]);
}
