import net from "node:net";
import { Metadata } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { FastTunnelAgentLinkClient } from "./tunnel-client";
import type { ExecRequest, TunnelRequest } from "../../proto/gen/corral/v1/agent_link";
import type { ExecProcess, Runtime, TaskContainer } from "../runtime/runtime";
import { TunnelCall } from "./tunnel-call";

/**
 * How long the agent waits for a container port to accept a connection before telling the hub
 * it cannot be reached (the hub answers 502). @default 5_000 ms
 */
export const TUNNEL_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Serves the hub's TunnelRequests: dials the task container's own address and port (no port
 * needs publishing on the node) or starts an exec, then opens one AgentLink.Tunnel call for it,
 * authenticated with the node credential. Every open tunnel closes when the link drops.
 */
export class AgentTunnels {
  private readonly open = new Set<TunnelCall>();

  constructor(
    /** The link's current mutual-TLS client (rebuilt when the node certificate is renewed). */
    private readonly client: () => FastTunnelAgentLinkClient,
    private readonly runtime: Runtime,
    private readonly logger: Logger,
  ) {}

  handle(req: TunnelRequest, credential: string): void {
    void this.serve(req, credential).catch((err: Error) =>
      this.logger.warn({ tunnelId: req.tunnelId, reason: err.message }, "tunnel failed"),
    );
  }

  /** The link to the hub dropped: every tunnel through it ends. */
  closeAll(): void {
    for (const t of this.open) t.destroy(new Error("hub link dropped"));
    this.open.clear();
  }

  private async serve(req: TunnelRequest, credential: string): Promise<void> {
    const target = req.target;
    let error = "";
    let socket: net.Socket | null = null;
    let proc: ExecProcess | null = null;
    try {
      const container = await this.container(req.taskId, req.attempt);
      if (target?.$case === "port") socket = await dial(container.ip, target.value);
      else if (target?.$case === "exec") proc = await this.startExec(container, target.value);
      else throw new Error("tunnel request without a target");
    } catch (err) {
      error = (err as Error).message;
    }
    const md = new Metadata();
    md.set("authorization", `Bearer ${credential}`);
    const tunnel = new TunnelCall(this.client().tunnel(md));
    tunnel.attach(req.tunnelId, error);
    if (error) return void tunnel.end();
    this.open.add(tunnel);
    tunnel.once("close", () => this.open.delete(tunnel));
    // A dropped link or a hub that went away ends the tunnel; nothing else to tell.
    tunnel.on("error", (err: Error) =>
      this.logger.debug({ tunnelId: req.tunnelId, reason: err.message }, "tunnel closed with an error"),
    );
    if (socket) this.bridgeSocket(tunnel, socket);
    if (proc) await this.bridgeExec(tunnel, proc, target?.$case === "exec" && target.value.stdin);
  }

  private bridgeSocket(tunnel: TunnelCall, socket: net.Socket): void {
    // pipe() carries backpressure both ways; end in one direction is a half-close of the other.
    socket.pipe(tunnel);
    tunnel.pipe(socket);
    socket.on("error", (err) => tunnel.destroy(err));
    socket.on("close", () => tunnel.end());
    tunnel.on("error", () => socket.destroy());
    tunnel.on("close", () => socket.destroy());
  }

  private startExec(c: TaskContainer, r: ExecRequest): Promise<ExecProcess> {
    if (!this.runtime.exec) throw new Error(`the ${this.runtime.name} runtime cannot exec`);
    if (r.command.length === 0) throw new Error("exec needs a command");
    return this.runtime.exec(c.containerId, {
      command: r.command,
      tty: r.tty,
      stdin: r.stdin,
      cols: r.cols,
      rows: r.rows,
    });
  }

  private async bridgeExec(tunnel: TunnelCall, proc: ExecProcess, stdin: boolean): Promise<void> {
    tunnel.on(
      "resize",
      (s: { cols: number; rows: number }) => void proc.resize(s.cols, s.rows).catch(() => undefined),
    );
    proc.stdin.on("error", () => undefined); // the command exited before reading all of stdin
    if (stdin) tunnel.pipe(proc.stdin);
    else tunnel.resume();
    tunnel.on("close", () => proc.kill());
    const stdoutDone = new Promise<void>((resolve) => {
      proc.stdout.pipe(tunnel, { end: false });
      proc.stdout.on("end", resolve);
      proc.stdout.on("close", resolve);
    });
    const stderrDone = new Promise<void>((resolve) => {
      proc.stderr.on("data", (d: Buffer) => {
        if (!tunnel.sendStderr(d, () => proc.stderr.resume())) proc.stderr.pause();
      });
      proc.stderr.on("end", resolve);
      proc.stderr.on("close", resolve);
    });
    const code = await proc.exited;
    await Promise.all([stdoutDone, stderrDone]);
    tunnel.sendExit(code);
    tunnel.end();
  }

  private async container(taskId: string, attempt: number): Promise<TaskContainer> {
    const c = (await this.runtime.list()).find(
      (x) => x.taskId === taskId && x.attempt === attempt && x.state === "running",
    );
    if (!c) throw new Error(`task ${taskId} attempt ${attempt} has no running container on this node`);
    return c;
  }
}

/** Connects to ip:port within TUNNEL_CONNECT_TIMEOUT_MS, with a message that says what failed. */
function dial(ip: string | null, port: number): Promise<net.Socket> {
  if (!ip) return Promise.reject(new Error("the container has no address"));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: ip, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`container port ${port} did not accept within ${TUNNEL_CONNECT_TIMEOUT_MS} ms`));
    }, TUNNEL_CONNECT_TIMEOUT_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`container port ${port}: ${err.message}`));
    });
  });
}
