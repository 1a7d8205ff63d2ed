// corral quota list: every quota unit, per node pool: allocated / deserved / limit of each resource.
import type { Command } from "commander";
import type { ListResponse, QuotaAmountJson, QuotaUnitJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { formatCpu, formatMiB, formatTable, printJson } from "../../output";

export const QUOTA_LIST_HEADERS = ["UNIT", "KIND", "POOL", "GPU", "CPU", "MEMORY"];

/** `allocated/deserved (limit L)`, the limit left out when there is none. */
const amount = (q: QuotaAmountJson, f: (n: number) => string) =>
  `${f(q.allocated)}/${f(q.deserved)}${q.limit === null ? "" : ` (limit ${f(q.limit)})`}`;

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("list")
    .alias("ls")
    .description("list quota units with allocated/deserved (limit) per node pool")
    .option("--json", "print the hub's JSON")
    .action(async (_opts: unknown, self: Command) => {
      const client = await ctx.client(self);
      const res = await client.get<ListResponse<QuotaUnitJson>>("/quota-units");
      if (ctx.json(self)) return printJson(ctx.out, res);
      ctx.out.write(formatTable(QUOTA_LIST_HEADERS, quotaRows(res.items)));
    });
  examples(cmd, ["corral quota list", "corral quota list --json"]);
}

/** One row per unit and pool (a unit without any: one row of dashes). */
export function quotaRows(units: readonly QuotaUnitJson[]): string[][] {
  return units.flatMap((u) =>
    (u.pools.length === 0 ? [null] : u.pools).map((p) =>
      p === null
        ? [u.name, u.kind, "-", "-", "-", "-"]
        : [
            u.name,
            u.kind,
            p.nodePool,
            amount(p.gpu, String),
            amount(p.cpuMilli, formatCpu),
            amount(p.memoryMiB, formatMiB),
          ],
    ),
  );
}
