// corral logout: revokes the stored token on the hub (best effort) and forgets it locally. The hub
// address stays stored, so the next `corral login` needs no --hub.
import type { Command } from "commander";
import { HubClient } from "../client";
import { loadConfig, saveConfig } from "../config";
import type { CliContext } from "../context";
import { examples } from "../context";
import { CliError } from "../errors";

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("logout")
    .description("revoke the stored token and forget it")
    .action(async () => {
      const config = await loadConfig(ctx.io.env);
      if (!config.token || !config.hub) {
        ctx.note("Not logged in.");
        return;
      }
      try {
        await new HubClient({ hubUrl: config.hub, token: config.token }).post("/auth/logout");
      } catch (err) {
        // Forgetting the token locally is what the user asked for; an unreachable hub or an already
        // expired token must not leave it behind.
        if (!(err instanceof CliError)) throw err;
        ctx.note(`Warning: could not revoke the token on the hub (${err.message}); forgetting it locally.`);
      }
      const { hub, username } = config;
      await saveConfig(ctx.io.env, hub === undefined ? {} : { hub });
      ctx.out.write(`Logged out${username ? ` ${username}` : ""} from ${hub}\n`);
    });
  examples(cmd, ["corral logout"]);
}
