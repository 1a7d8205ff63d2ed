// corral node taint NAME [key[=value]:Effect ...] | --clear: replace a node's taints (admin).
import type { Command } from "commander";
import type { NodeJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { UsageError } from "../../errors";
import { printJson } from "../../output";

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** `key=value:Effect` or `key:Effect`, as kubectl writes a taint. */
export function parseTaint(text: string): { key: string; value: string; effect: string } {
  const colon = text.lastIndexOf(":");
  const effect = colon < 0 ? "" : text.slice(colon + 1);
  if (colon <= 0 || !EFFECTS.includes(effect))
    throw new UsageError(`taint ${text}: write key[=value]:Effect, Effect one of ${EFFECTS.join(", ")}`);
  const kv = text.slice(0, colon);
  const eq = kv.indexOf("=");
  return eq < 0 ? { key: kv, value: "", effect } : { key: kv.slice(0, eq), value: kv.slice(eq + 1), effect };
}

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("taint")
    .description("replace a node's taints: untolerated work stays off it; NoExecute also evicts it (admin)")
    .argument("<name>", "node name or id")
    .argument("[taints...]", "key[=value]:NoSchedule|PreferNoSchedule|NoExecute")
    .option("--clear", "remove every taint")
    .option("--cluster <name>", "cluster of the node, when two clusters have a node of that name")
    .option("--json", "print the hub's JSON for the updated node")
    .action(
      async (name: string, taints: string[], opts: { clear?: boolean; cluster?: string }, self: Command) => {
        if (taints.length === 0 && !opts.clear) throw new UsageError("name at least one taint, or --clear");
        if (taints.length > 0 && opts.clear) throw new UsageError("--clear takes no taints");
        const client = await ctx.client(self);
        const node = await client.put<NodeJson & { evicted: number }>(
          `/nodes/${seg(name)}/taints`,
          { taints: taints.map(parseTaint) },
          { cluster: opts.cluster },
        );
        if (ctx.json(self)) return printJson(ctx.out, node);
        const shown = (node.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`);
        ctx.out.write(
          `Taints on node ${node.name}: ${shown.length ? shown.join(", ") : "none"}` +
            (node.evicted > 0 ? `; ${node.evicted} task(s) evicted\n` : "\n"),
        );
      },
    );
  examples(cmd, [
    "corral node taint gpu-01 dedicated=inference:NoSchedule",
    "corral node taint gpu-01 --clear",
  ]);
}
