// What every command needs: where its text goes, the environment, the clock, and a hub client built
// from --hub / CORRAL_HUB_URL / the stored login. Passed in explicitly so tests run main() in-process
// against their own buffers, env and stub hub.
import type { Command } from "commander";
import { HubClient } from "./client";
import { loadConfig, normaliseHubUrl } from "./config";
import type { Env, StoredConfig } from "./config";
import { CliError, UsageError } from "./errors";
import type { TextSink } from "./output";
import { Prompter } from "./prompt";
import type { InputStream } from "./prompt";

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: InputStream;
  env: Env;
  now: () => Date;
  /** Pause between polls of `workload run --wait`, in ms. @default 1000 */
  pollIntervalMs: number;
}

/** Options every command has (declared once on the program, shown as global options in each help). */
export interface GlobalOptions {
  hub?: string;
  json?: boolean;
}

export class CliContext {
  readonly prompter: Prompter;

  constructor(readonly io: CliIo) {
    this.prompter = new Prompter(io.stdin, io.stderr);
  }

  get out(): TextSink {
    return this.io.stdout;
  }

  /** Progress and notes for people: stderr, so stdout stays clean for pipes. */
  note(message: string): void {
    this.io.stderr.write(message + "\n");
  }

  /** Hub URL by precedence: --hub, then $CORRAL_HUB_URL, then the stored login. */
  async resolveHub(cmd: Command): Promise<{ hub: string; config: StoredConfig }> {
    const config = await loadConfig(this.io.env);
    const raw = cmd.optsWithGlobals<GlobalOptions>().hub ?? this.io.env.CORRAL_HUB_URL ?? config.hub;
    if (!raw) {
      throw new UsageError(
        "no hub address: pass --hub URL, set CORRAL_HUB_URL, or run corral login --hub URL",
      );
    }
    return { hub: normaliseHubUrl(raw), config };
  }

  /**
   * A client for the resolved hub with the token from $CORRAL_TOKEN or the stored login. The stored
   * token is sent only to the hub it was issued by, never to another --hub.
   */
  async client(cmd: Command): Promise<HubClient> {
    const { hub, config } = await this.resolveHub(cmd);
    const token = this.io.env.CORRAL_TOKEN || (config.hub === hub ? config.token : undefined);
    if (!token)
      throw new CliError(`not logged in to ${hub}: run corral login --hub ${hub} (or set CORRAL_TOKEN)`);
    return new HubClient({ hubUrl: hub, token });
  }

  /** --json given on the command line. */
  json(cmd: Command): boolean {
    return cmd.optsWithGlobals<GlobalOptions>().json === true;
  }
}

/** Adds an `Examples:` section to a command's --help. */
export function examples(cmd: Command, lines: readonly string[]): Command {
  return cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
}
