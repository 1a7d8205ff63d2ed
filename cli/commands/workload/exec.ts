// corral workload exec ID [--task N] [-i] [-t] -- CMD...: runs a command in a task's container
// through the hub (a WebSocket to POST /workloads/{id}/tasks/{index}/exec) and exits with its code.
import { StringDecoder } from "node:string_decoder";
import type { Command } from "commander";
import type { WorkloadJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { CliError, RemoteExit } from "../../errors";
import { openHubWebSocket } from "../../hub-websocket";
import { parseIntIn } from "../../parse";

/** Channel bytes of the exec WebSocket (docs/native-api.md "Exec"). */
const CH = { stdin: 0, stdout: 1, stderr: 2, exit: 3, resize: 4, stdinEof: 5 } as const;

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("exec")
    .description("run a command in a task's container (through the hub; no network path to the node needed)")
    .argument("<id>", "workload id or a unique prefix of it")
    .argument("<command...>", "the command and its arguments (after --)")
    .option("--task <index>", "task index (default: 0)", (v: string) => parseIntIn(v, "--task", 0, 999))
    .option("-i, --stdin", "pass stdin to the command")
    .option("-t, --tty", "allocate a terminal (raw mode, resize follows this terminal)")
    .action(
      async (
        id: string,
        command: string[],
        opts: { task?: number; stdin?: boolean; tty?: boolean },
        self: Command,
      ) => {
        const client = await ctx.client(self);
        const w = await client.get<WorkloadJson>(`/workloads/${seg(id)}`);
        const index = opts.task ?? 0;
        const out = process.stdout;
        const tty = opts.tty === true;
        const q = new URLSearchParams();
        for (const c of command) q.append("command", c);
        if (tty) q.set("tty", "1");
        if (opts.stdin) q.set("stdin", "1");
        if (tty && out.columns) {
          q.set("cols", String(out.columns));
          q.set("rows", String(out.rows));
        }
        const ws = await openHubWebSocket(
          client.hubUrl,
          client.token ?? "",
          "POST",
          `/workloads/${seg(w.id)}/tasks/${index}/exec`,
          q,
        );
        const input = ctx.io.stdin;
        const raw = tty && input.isTTY === true && typeof input.setRawMode === "function";
        if (raw) input.setRawMode?.(true);
        const onResize = () =>
          ws.send(
            Buffer.concat([
              Buffer.of(CH.resize),
              Buffer.from(JSON.stringify({ cols: out.columns, rows: out.rows })),
            ]),
          );
        if (tty) out.on("resize", onResize);
        const onInput = (d: Buffer | string) => ws.send(Buffer.concat([Buffer.of(CH.stdin), Buffer.from(d)]));
        const onEnd = () => ws.send(Buffer.of(CH.stdinEof));
        if (opts.stdin) {
          input.on("data", onInput);
          input.on("end", onEnd);
          input.resume();
        }
        const stdout = new StringDecoder("utf8");
        const stderr = new StringDecoder("utf8");
        let exitCode: number | null = null;
        const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
          ws.on("message", (m: Buffer) => {
            const body = m.subarray(1);
            if (m[0] === CH.stdout) ctx.io.stdout.write(stdout.write(body));
            else if (m[0] === CH.stderr) ctx.io.stderr.write(stderr.write(body));
            else if (m[0] === CH.exit)
              exitCode = (JSON.parse(body.toString("utf8")) as { exitCode: number | null }).exitCode;
          });
          ws.on("close", (code: number, reason: string) => resolve({ code, reason }));
        });
        if (raw) input.setRawMode?.(false);
        out.off("resize", onResize);
        input.off("data", onInput);
        input.off("end", onEnd);
        if (opts.stdin) input.pause();
        if (exitCode === null)
          throw new CliError(
            `the exec ended without an exit code (close ${closed.code}${closed.reason ? `: ${closed.reason}` : ""})`,
          );
        if (exitCode !== 0) throw new RemoteExit(exitCode);
      },
    );
  examples(cmd, ["corral workload exec 3f1c -- echo hello", "corral workload exec 3f1c --task 1 -it -- sh"]);
}
