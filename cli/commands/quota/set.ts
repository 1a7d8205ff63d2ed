// corral quota set UNIT: change a quota unit's deserved amounts and limits in one node pool
// (admin). Each flag left out keeps its value; a limit of "none" removes it.
import type { Command } from "commander";
import type { ListResponse, QuotaUnitJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { NotFoundError, UsageError } from "../../errors";
import { parseCpu, parseIntIn, parseMemory } from "../../parse";
import { QUOTA_LIST_HEADERS, quotaRows } from "./list";
import { formatTable, printJson } from "../../output";

interface SetOptions {
  pool: string;
  gpu?: number;
  gpuLimit?: number | "none";
  cpu?: number;
  cpuLimit?: number | "none";
  memory?: number;
  memoryLimit?: number | "none";
}

/** "none" removes a limit; anything else goes through `parse`. (Commander keeps no null: "none" stays a word.) */
const orNone =
  <T>(parse: (raw: string) => T) =>
  (raw: string): T | "none" =>
    raw.trim() === "none" ? "none" : parse(raw);
const gpus = (raw: string) => parseIntIn(raw, "GPU count", 0, 100_000);

/** A unit by id, `kind/name`, or a name no two units share. */
function findUnit(units: readonly QuotaUnitJson[], key: string): QuotaUnitJson {
  const byId = units.find((u) => u.id === key);
  if (byId) return byId;
  const [kind, name] = key.includes("/") ? key.split("/", 2) : [undefined, key];
  const named = units.filter((u) => u.name === name && (kind === undefined || u.kind === kind));
  if (named.length === 1) return named[0] as QuotaUnitJson;
  if (named.length > 1)
    throw new UsageError(
      `${named.length} quota units are named ${key}: give kind/name (e.g. project/${key})`,
    );
  throw new NotFoundError(`no quota unit ${key}`);
}

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("set")
    .description("change a quota unit's deserved quota and limits in one node pool (admin)")
    .argument("<unit>", "quota unit: id, name, or kind/name (project/vision)")
    .option("--pool <name>", "node pool", "default")
    .option("--gpu <n>", "deserved GPUs", gpus)
    .option("--gpu-limit <n|none>", "GPU limit", orNone(gpus))
    .option("--cpu <cores>", "deserved CPU (2, 0.5, 500m)", parseCpu)
    .option("--cpu-limit <cores|none>", "CPU limit", orNone(parseCpu))
    .option("--memory <size>", "deserved memory (512Mi, 2Gi)", parseMemory)
    .option("--memory-limit <size|none>", "memory limit", orNone(parseMemory))
    .option("--json", "print the hub's JSON for the unit")
    .action(async (key: string, opts: SetOptions, self: Command) => {
      const amount = (deserved?: number, limit?: number | "none") =>
        deserved === undefined && limit === undefined
          ? undefined
          : {
              ...(deserved !== undefined ? { deserved } : {}),
              ...(limit !== undefined ? { limit: limit === "none" ? null : limit } : {}),
            };
      const body = Object.fromEntries(
        (
          [
            ["gpu", amount(opts.gpu, opts.gpuLimit)],
            ["cpuMilli", amount(opts.cpu, opts.cpuLimit)],
            ["memoryMiB", amount(opts.memory, opts.memoryLimit)],
          ] as const
        ).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(body).length === 0)
        throw new UsageError("nothing to change: give --gpu, --cpu, --memory or their --*-limit");
      const client = await ctx.client(self);
      const units = await client.get<ListResponse<QuotaUnitJson>>("/quota-units");
      const unit = findUnit(units.items, key);
      const saved = await client.put<QuotaUnitJson>(
        `/quota-units/${seg(unit.id)}/pools/${seg(opts.pool)}`,
        body,
      );
      if (ctx.json(self)) return printJson(ctx.out, saved);
      ctx.out.write(formatTable(QUOTA_LIST_HEADERS, quotaRows([saved])));
    });
  examples(cmd, [
    "corral quota set vision --gpu 2 --gpu-limit 4",
    "corral quota set project/vision --pool a100 --cpu 16 --memory-limit none",
  ]);
}
