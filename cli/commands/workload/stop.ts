// corral workload stop ID: stops every task of a workload. Asks first on a terminal; scripts pass --yes.
import type { Command } from "commander";
import type { WorkloadJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson, shortId } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("stop")
    .description("stop a workload and all its tasks")
    .argument("<id>", "workload id or a unique prefix of it")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--json", "print the hub's JSON for the workload")
    .action(async (id: string, opts: { yes?: boolean }, self: Command) => {
      ctx.prompter.assertCanConfirm(opts.yes === true);
      const client = await ctx.client(self);
      // Resolve the prefix first: the hub takes prefixes only on GET, and the question names the workload.
      const w = await client.get<WorkloadJson>(`/workloads/${seg(id)}`);
      await ctx.prompter.confirm(
        `Stop workload ${shortId(w.id)} (${w.name}, ${w.state})?`,
        opts.yes === true,
      );
      ctx.prompter.close();
      const stopped = await client.post<WorkloadJson>(`/workloads/${seg(w.id)}/stop`);
      if (ctx.json(self)) return printJson(ctx.out, stopped);
      ctx.out.write(`Workload ${stopped.id} ${stopped.state}\n`);
    });
  examples(cmd, ["corral workload stop 3f1c9a2b", "corral workload stop 3f1c --yes"]);
}
