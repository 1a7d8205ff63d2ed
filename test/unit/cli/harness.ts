// Runs the CLI in-process (run() from cli/main) with captured stdout/stderr, its own env and stdin,
// and a throwaway config dir, so tests never touch the developer's real login.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { run } from "../../../cli/main";
import type { InputStream } from "../../../cli/prompt";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fixed clock for AGE columns. */
export const NOW = new Date("2026-11-23T17:00:00.000Z");

export class Harness {
  readonly configDir: string;
  env: Record<string, string | undefined>;

  constructor() {
    this.configDir = mkdtempSync(join(tmpdir(), "corral-cli-test-"));
    this.env = { CORRAL_CONFIG_DIR: this.configDir };
  }

  /** `stdin` is piped text (not a terminal) unless a ready-made stream is given. */
  async run(argv: readonly string[], stdin: string | InputStream = ""): Promise<CliResult> {
    let stdout = "";
    let stderr = "";
    const input: InputStream = typeof stdin === "string" ? Readable.from([stdin]) : stdin;
    const code = await run(argv, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: input,
      env: this.env,
      now: () => NOW,
      pollIntervalMs: 5,
    });
    return { code, stdout, stderr };
  }

  cleanup(): void {
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

/** A fake terminal on stdin that types `answer` once the CLI starts reading. */
export function ttyTyping(answer: string): InputStream {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
  s.isTTY = true;
  s.setRawMode = () => undefined;
  s.once("resume", () => setImmediate(() => s.write(answer)));
  return s;
}
