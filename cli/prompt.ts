// Questions asked of the person at the terminal: login fields, password without echo, and yes/no
// confirmations for destructive commands. Prompts are written to stderr so stdout stays pipeable.
// Off a terminal, answers are read line by line from stdin (so `printf 'pw\n' | corral login ...` works).
import { createInterface } from "node:readline";
import type { Interface } from "node:readline";
import { CliError, UsageError } from "./errors";
import type { TextSink } from "./output";

/** stdin as the CLI needs it; `isTTY` and `setRawMode` exist only on a terminal. */
export type InputStream = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export class Prompter {
  private lines: string[] = [];
  private waiters: ((line: string | null) => void)[] = [];
  private reader: Interface | undefined;
  private ended = false;

  constructor(
    private readonly input: InputStream,
    private readonly stderr: TextSink,
  ) {}

  get isTTY(): boolean {
    return this.input.isTTY === true;
  }

  /** Asks for a line; `hidden` turns echo off on a terminal (passwords). Null when stdin has ended. */
  async ask(label: string, hidden = false): Promise<string | null> {
    this.stderr.write(label);
    if (this.isTTY) return this.readTtyLine(hidden);
    return this.nextPipedLine();
  }

  /**
   * Asks `question [y/N]` on a terminal. With `yes` it does not ask. Off a terminal without `yes` it
   * refuses with a usage error (exit 2): a script must say --yes explicitly.
   */
  async confirm(question: string, yes: boolean): Promise<void> {
    if (yes) return;
    if (!this.isTTY)
      throw new UsageError(`${question} Refusing without confirmation: stdin is not a terminal, pass --yes`);
    const answer = (await this.ask(`${question} [y/N] `)) ?? "";
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("cancelled, nothing changed");
  }

  /** Fails fast (exit 2) before any request when confirm() could neither ask nor skip the question. */
  assertCanConfirm(yes: boolean): void {
    if (!yes && !this.isTTY)
      throw new UsageError("stdin is not a terminal, so this cannot ask for confirmation: pass --yes");
  }

  /** Stops reading stdin so the process can exit. */
  close(): void {
    this.reader?.close();
  }

  private nextPipedLine(): Promise<string | null> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    if (!this.reader) {
      // One reader for the whole run: a fresh one per question would drop lines already buffered.
      this.reader = createInterface({ input: this.input, terminal: false });
      this.reader.on("line", (line) => {
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      });
      this.reader.on("close", () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w(null);
      });
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Reads one line from a terminal; in raw mode when hidden, handling Enter, Backspace, Ctrl-C and Ctrl-D. */
  private readTtyLine(hidden: boolean): Promise<string | null> {
    const input = this.input;
    return new Promise((resolve, reject) => {
      let buf = "";
      const finish = (): void => {
        input.removeListener("data", onData);
        if (hidden) {
          input.setRawMode?.(false);
          this.stderr.write("\n"); // Enter was not echoed
        }
        input.pause();
      };
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString()) {
          if (ch === "\r" || ch === "\n") return (finish(), resolve(buf));
          if (ch === "\u0003") return (finish(), reject(new CliError("cancelled")));
          if (ch === "\u0004" && buf === "") return (finish(), resolve(null));
          if (ch === "\u007f" || ch === "\b") buf = buf.slice(0, -1);
          else buf += ch;
        }
      };
      if (hidden) input.setRawMode?.(true);
      input.on("data", onData);
      input.resume();
    });
  }
}
