import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { HubTunnelFrame } from "./tunnel-service";
import type { TunnelFrame, TunnelRequest } from "../../proto/gen/corral/v1/agent_link";
import { AgentUnavailableError } from "../core/errors";
import { newId } from "../core/secrets";
import { TunnelUnreachableError, type TunnelChannel, type TunnelTarget } from "../core/tunnels";
import { GrpcTunnelChannel } from "./tunnel-channel";

/**
 * How long the hub waits for the agent to attach a requested tunnel: the agent's own connect
 * timeout to the container (5 s, agent/link/tunnels.ts) plus the round trip. @default 10_000 ms
 */
export const DEFAULT_TUNNEL_OPEN_TIMEOUT_MS = 10_000;

interface PendingTunnel {
  nodeId: string;
  resolve: (channel: TunnelChannel) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Matches the agent's Tunnel calls to the hub's requests, and closes every open tunnel of a node
 * whose session ends (a dropped link closes its tunnels; a reconnected agent serves new ones).
 */
export class TunnelBroker {
  private readonly pending = new Map<string, PendingTunnel>();
  private readonly open = new Map<string, Set<TunnelChannel>>();

  constructor(private readonly openTimeoutMs: number) {}

  /** Sends the request with `send` and resolves when the agent attached a connected tunnel. */
  request(
    nodeId: string,
    taskId: string,
    attempt: number,
    target: TunnelTarget,
    send: (req: TunnelRequest) => void,
  ): Promise<TunnelChannel> {
    const tunnelId = newId();
    return new Promise<TunnelChannel>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(tunnelId);
        reject(
          new AgentUnavailableError(
            `the agent of node ${nodeId} did not open the tunnel within ${this.openTimeoutMs} ms`,
          ),
        );
      }, this.openTimeoutMs);
      this.pending.set(tunnelId, { nodeId, resolve, reject, timer });
      send({
        tunnelId,
        taskId,
        attempt,
        target:
          target.kind === "port"
            ? { $case: "port", value: target.port }
            : {
                $case: "exec",
                value: {
                  command: target.command,
                  tty: target.tty,
                  stdin: target.stdin,
                  cols: target.cols,
                  rows: target.rows,
                },
              },
      });
    });
  }

  /** A Tunnel call from the (already authenticated) agent of `nodeId`: waits for its attach frame. */
  attach(nodeId: string, call: ServerDuplexStream<TunnelFrame, TunnelFrame>): void {
    const first = (f: TunnelFrame) => {
      if (f.body?.$case !== "attach") return call.end();
      call.off("data", first);
      call.pause();
      const { tunnelId, error } = f.body.value;
      const p = this.pending.get(tunnelId);
      if (!p || p.nodeId !== nodeId) return call.end();
      clearTimeout(p.timer);
      this.pending.delete(tunnelId);
      if (error) {
        call.end();
        return p.reject(new TunnelUnreachableError(error));
      }
      // Reason for the cast: the hub serves Tunnel with the fast codec (tunnel-service.ts), whose
      // serializer also takes pre-encoded frames; the generated handler type knows only TunnelFrame.
      const channel = new GrpcTunnelChannel(
        call as unknown as ServerDuplexStream<TunnelFrame, HubTunnelFrame>,
      );
      // Users of the channel listen for its errors; this one keeps an error that comes before they
      // attach (a link dropping in between) from crashing the hub.
      channel.on("error", () => undefined);
      const set = this.open.get(nodeId) ?? new Set<TunnelChannel>();
      this.open.set(nodeId, set);
      set.add(channel);
      channel.once("close", () => set.delete(channel));
      p.resolve(channel);
    };
    call.on("data", first);
    call.on("error", () => undefined); // a call that dies before attaching has no one to tell
    // A call that never names its request is ended rather than held open.
    const unattached = setTimeout(() => {
      if (call.listeners("data").includes(first)) call.end();
    }, this.openTimeoutMs);
    unattached.unref();
  }

  /** The node's session ended: fail its pending opens and close its open tunnels. */
  nodeGone(nodeId: string, reason: string): void {
    for (const [id, p] of this.pending) {
      if (p.nodeId !== nodeId) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new AgentUnavailableError(`the agent of node ${nodeId} disconnected: ${reason}`));
    }
    for (const c of this.open.get(nodeId) ?? []) {
      c.destroy(new AgentUnavailableError(`the agent link dropped: ${reason}`));
    }
    this.open.delete(nodeId);
  }

  close(): void {
    for (const nodeId of new Set([...this.open.keys(), ...[...this.pending.values()].map((p) => p.nodeId)]))
      this.nodeGone(nodeId, "hub shutting down");
  }
}
