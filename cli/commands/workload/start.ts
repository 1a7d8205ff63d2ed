// corral workload start ID [--lease 8h]: starts a stopped interactive workload again, same id.
import type { Command } from "commander";
import type { WorkloadJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";
import { parseDuration } from "../../parse";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("start")
    .description("start a stopped interactive workload again (same id; its named volumes are kept)")
    .argument("<id>", "workload id or a unique prefix of it")
    .option(
      "--lease <duration>",
      "stop it by itself after this long (e.g. 8h); default: its lease",
      parseDuration,
    )
    .option("--json", "print the hub's JSON for the workload")
    .action(async (id: string, opts: { lease?: number }, self: Command) => {
      const client = await ctx.client(self);
      // Resolve the prefix first, as stop does: the POST then names the full id.
      const w = await client.get<WorkloadJson>(`/workloads/${seg(id)}`);
      const started = await client.post<WorkloadJson>(
        `/workloads/${seg(w.id)}/start`,
        opts.lease !== undefined ? { leaseSec: opts.lease } : {},
      );
      if (ctx.json(self)) return printJson(ctx.out, started);
      ctx.out.write(`Workload ${started.id} ${started.state}\n`);
    });
  examples(cmd, ["corral workload start 3f1c9a2b", "corral workload start 3f1c --lease 8h"]);
}
