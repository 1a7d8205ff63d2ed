// corral login: trades username + password for a token (POST /auth/login) and stores hub + token in the
// config file (mode 0600). Omitted values are prompted for; the password without echo on a terminal.
import type { Command } from "commander";
import type { LoginResponse } from "../api-types";
import { HubClient } from "../client";
import { loadConfig, normaliseHubUrl, saveConfig } from "../config";
import type { CliContext, GlobalOptions } from "../context";
import { examples } from "../context";
import { UsageError } from "../errors";

interface LoginOptions {
  username?: string;
  password?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("login")
    .description("log in to a hub and store its address and token for later commands")
    .option("--username <name>", "user to log in as (prompted when omitted)")
    .option("--password <password>", "password (prompted without echo when omitted; beware shell history)")
    .action(async (opts: LoginOptions, self: Command) => {
      const hub = await hubToLogInTo(ctx, self);
      const username = opts.username ?? (await required(ctx, "Username: ", false, "--username"));
      const password = opts.password ?? (await required(ctx, "Password: ", true, "--password"));
      ctx.prompter.close();
      const res = await new HubClient({ hubUrl: hub }).post<LoginResponse>("/auth/login", {
        username,
        password,
      });
      const previous = await loadConfig(ctx.io.env);
      const path = await saveConfig(ctx.io.env, {
        ...previous,
        hub,
        token: res.token,
        username: res.user.username,
        expiresAt: res.expiresAt,
      });
      const role = res.user.admin ? " (admin)" : "";
      ctx.out.write(`Logged in to ${hub} as ${res.user.username}${role}; token expires ${res.expiresAt}\n`);
      ctx.note(`Saved to ${path}`);
    });
  examples(cmd, [
    "corral login --hub http://hub.example:8080 --username admin",
    "printf '%s\\n' \"$PASSWORD\" | corral login --hub http://hub.example:8080 --username admin",
  ]);
}

/** --hub, then $CORRAL_HUB_URL, then the stored hub, then a prompt. */
async function hubToLogInTo(ctx: CliContext, cmd: Command): Promise<string> {
  const raw =
    cmd.optsWithGlobals<GlobalOptions>().hub ??
    ctx.io.env.CORRAL_HUB_URL ??
    (await loadConfig(ctx.io.env)).hub ??
    (await required(ctx, "Hub URL: ", false, "--hub"));
  return normaliseHubUrl(raw);
}

async function required(ctx: CliContext, label: string, hidden: boolean, flag: string): Promise<string> {
  const answer = (await ctx.prompter.ask(label, hidden))?.trim();
  if (!answer) throw new UsageError(`${flag} is required (no answer on stdin)`);
  return answer;
}
