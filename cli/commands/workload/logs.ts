// corral workload logs ID: one task's container output, fetched by the hub from the node's agent.
// The hub takes a prefix only on GET /workloads/{id}, so the id is resolved there first.
import type { Command } from "commander";
import type { WorkloadJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { NotFoundError } from "../../errors";
import { shortId } from "../../output";
import { parseIntIn } from "../../parse";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("logs")
    .description("print a task's logs (stdout and stderr of its container)")
    .argument("<id>", "workload id or a unique prefix of it")
    .option("--task <index>", "task index (default: 0)", (v: string) => parseIntIn(v, "--task", 0, 999))
    .option("--tail <n>", "only the last N lines (default: all)", (v: string) =>
      parseIntIn(v, "--tail", 1, 1_000_000),
    )
    .action(async (id: string, opts: { task?: number; tail?: number }, self: Command) => {
      const client = await ctx.client(self);
      const w = await client.get<WorkloadJson>(`/workloads/${seg(id)}`);
      const index = opts.task ?? 0;
      if (w.tasks.length > 0 && !w.tasks.some((t) => t.index === index)) {
        throw new NotFoundError(`workload ${shortId(w.id)} has no task ${index} (it has ${w.tasks.length})`);
      }
      const text = await client.getText(`/workloads/${seg(w.id)}/tasks/${index}/logs`, { tail: opts.tail });
      ctx.out.write(text.endsWith("\n") || text === "" ? text : text + "\n");
    });
  examples(cmd, ["corral workload logs 3f1c9a2b", "corral workload logs 3f1c --task 2 --tail 100"]);
}
