// corral token create: a join token lets a new node's agent join the hub. The secret goes alone to
// stdout (so `TOKEN=$(corral token create)` works); the hub shows it only this once.
import type { Command } from "commander";
import type { JoinTokenJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson, shortId } from "../../output";
import { parseDuration } from "../../parse";

interface CreateOptions {
  description?: string;
  /** Seconds, parsed from 24h / 90m / 3600s. Omitted: the hub's default lifetime. */
  ttl?: number;
  cluster?: string;
  /** Label patterns the token's nodes may set themselves; omitted: any label. */
  allowLabel?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("create")
    .description("create a join token for adding nodes (admin); prints the secret once")
    .option("--description <text>", "what the token is for")
    .option(
      "--ttl <duration>",
      "lifetime: number with unit s, m, h or d (e.g. 24h, 90m); default: the hub's",
      parseDuration,
    )
    .option("--cluster <name>", "cluster that nodes joining with this token belong to")
    .option(
      "--allow-label <pattern>",
      "a label its nodes may set themselves, `*` matching anything (zone=*); repeatable; " +
        "default: any label",
      collect,
    )
    .option("--json", "print the hub's JSON (secret included)")
    .action(async (opts: CreateOptions, self: Command) => {
      const client = await ctx.client(self);
      const body: { description?: string; ttlSeconds?: number; cluster?: string; allowedLabels?: string[] } =
        {};
      if (opts.description !== undefined) body.description = opts.description;
      if (opts.ttl !== undefined) body.ttlSeconds = opts.ttl;
      if (opts.cluster !== undefined) body.cluster = opts.cluster;
      if (opts.allowLabel !== undefined) body.allowedLabels = opts.allowLabel;
      const token = await client.post<JoinTokenJson>("/join-tokens", body);
      if (ctx.json(self)) return printJson(ctx.out, token);
      ctx.note(
        `Created join token ${shortId(token.id)}${token.cluster ? ` for cluster ${token.cluster}` : ""}, ` +
          `expires ${token.expiresAt ?? "never"}. The secret below is shown only once:`,
      );
      ctx.out.write(`${token.token ?? ""}\n`);
    });
  examples(cmd, [
    'corral token create --description "rack 4" --ttl 24h --cluster edge-berlin',
    "TOKEN=$(corral token create --ttl 90m)",
    "corral token create --allow-label 'zone=*' --allow-label gpu",
  ]);
}
