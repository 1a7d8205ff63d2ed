// corral workload port-forward ID [--task N] LOCAL:REMOTE: listens on localhost:LOCAL and carries
// each accepted TCP connection through the hub (a WebSocket of raw bytes) to the task's port REMOTE.
import net from "node:net";
import type { Command } from "commander";
import type { WorkloadJson } from "../../api-types";
import { seg } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { UsageError } from "../../errors";
import { openHubWebSocket } from "../../hub-websocket";
import { parseIntIn } from "../../parse";

function parsePorts(spec: string): { local: number; remote: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new UsageError(`ports must be LOCAL:REMOTE or PORT, got ${JSON.stringify(spec)}`);
  const local = Number(m[1]);
  const remote = Number(m[2] ?? m[1]);
  if (local > 65535 || remote < 1 || remote > 65535)
    throw new UsageError(`ports must be 1-65535 (LOCAL may be 0)`);
  return { local, remote };
}

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("port-forward")
    .description("forward a local port to a task's container port, through the hub (until interrupted)")
    .argument("<id>", "workload id or a unique prefix of it")
    .argument("<ports>", "LOCAL:REMOTE (LOCAL 0 picks a free port), or one PORT for both")
    .option("--task <index>", "task index (default: 0)", (v: string) => parseIntIn(v, "--task", 0, 999))
    .option("--address <host>", "local address to listen on (default: 127.0.0.1)")
    .action(async (id: string, ports: string, opts: { task?: number; address?: string }, self: Command) => {
      const { local, remote } = parsePorts(ports);
      const client = await ctx.client(self);
      const w = await client.get<WorkloadJson>(`/workloads/${seg(id)}`);
      const path = `/workloads/${seg(w.id)}/tasks/${opts.task ?? 0}/port-forward/${remote}`;
      const server = net.createServer((conn) => {
        conn.pause();
        openHubWebSocket(client.hubUrl, client.token ?? "", "GET", path).then(
          (ws) => {
            conn.on("data", (d: Buffer) => {
              if (!ws.send(d)) conn.pause();
            });
            ws.on("drain", () => conn.resume());
            ws.on("message", (m: Buffer) => {
              if (!conn.write(m)) ws.pause();
            });
            conn.on("drain", () => ws.resume());
            conn.on("end", () => ws.close(1000));
            conn.on("error", () => ws.close(1000));
            ws.on("close", (code: number, reason: string) => {
              if (code !== 1000) ctx.io.stderr.write(`connection closed by the hub: ${code} ${reason}\n`);
              conn.end();
            });
            conn.resume();
          },
          (err: Error) => {
            ctx.io.stderr.write(`Error: ${err.message}\n`);
            conn.destroy();
          },
        );
      });
      const host = opts.address ?? "127.0.0.1";
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(local, host, () => resolve());
      });
      const bound = (server.address() as net.AddressInfo).port;
      ctx.io.stdout.write(`Forwarding ${host}:${bound} -> task ${opts.task ?? 0} port ${remote}\n`);
      // Runs until interrupted (SIGINT/SIGTERM), then stops listening.
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.close();
          resolve();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
  examples(cmd, [
    "corral workload port-forward 3f1c 8888:8888",
    "corral workload port-forward 3f1c --task 1 0:80",
  ]);
}
