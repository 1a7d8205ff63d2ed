// corral accesskey create: a permanent access key (AK/SK) that Huawei Cloud SDK clients sign
// ModelArts requests with. The AK and SK go to stdout, one per line; the hub shows the SK only once.
import type { Command } from "commander";
import type { AccessKeyJson } from "../../api-types";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { printJson } from "../../output";

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("create")
    .description("create an access key (AK/SK); prints the secret once")
    .option("--description <text>", "what the key is for")
    .option("--user <username>", "whose key (admin); default: yours")
    .option("--json", "print the hub's JSON (secret included)")
    .action(async (opts: { description?: string; user?: string }, self: Command) => {
      const client = await ctx.client(self);
      const body: { description?: string; username?: string } = {};
      if (opts.description !== undefined) body.description = opts.description;
      if (opts.user !== undefined) body.username = opts.user;
      const key = await client.post<AccessKeyJson>("/access-keys", body);
      if (ctx.json(self)) return printJson(ctx.out, key);
      ctx.note(
        `Created access key ${key.id} for ${key.username ?? "?"}. The secret below is shown only once:`,
      );
      ctx.out.write(`${key.id}\n${key.secret ?? ""}\n`);
    });
  examples(cmd, [
    'corral accesskey create --description "training scripts"',
    "corral accesskey create --user alice",
  ]);
}
