import http from "node:http";
import type { Duplex } from "node:stream";
import type { TunnelChannel, TunnelRoute, TunnelTarget } from "../../core/tunnels";

/**
 * How long a tunnelled connection to a container port is kept open, unused, for the next HTTP
 * request to the same task port; shorter when the container announces a shorter keep-alive
 * (`Keep-Alive: timeout=N`, then N - 1 s). Below the 5 s most servers (Node's included) keep an
 * idle connection, so the hub rarely reuses one the container is closing. @default 4_000 ms
 */
export const DEFAULT_TUNNEL_IDLE_MS = 4_000;
/** Idle tunnelled connections kept per task port. @default 16 */
export const DEFAULT_TUNNEL_IDLE_PER_PORT = 16;

/** Request options naming the tunnel an HTTP request to a task port goes through. */
export interface TunnelRequestOptions extends http.RequestOptions {
  tunnelRoute: TunnelRoute;
  tunnelTarget: TunnelTarget & { kind: "port" };
}

type Connect = (route: TunnelRoute, target: TunnelTarget) => Promise<TunnelChannel>;

const IDLE_TIMER = Symbol("corral.tunnelIdle");
type Pooled = Duplex & { [IDLE_TIMER]?: { timer: NodeJS.Timeout; onEnd: () => void } };

/**
 * HTTP keep-alive to task ports through the tunnel, as a reverse proxy keeps upstream
 * connections: an http.Agent whose connections are tunnels, pooled per node, task attempt and
 * port. A request that finds an idle tunnel skips opening one (a TunnelRequest on the agent's
 * link, the agent dialling the container, a new Tunnel call and its attach: most of the time a
 * small request takes through the hub, docs/architecture.md §3). Every request is still
 * authorized and recorded by core.tunnels before it is sent; an idle tunnel carries no user.
 */
export class TunnelConnectionPool extends http.Agent {
  constructor(
    private readonly connect: Connect,
    private readonly idleMs = DEFAULT_TUNNEL_IDLE_MS,
    maxIdlePerPort = DEFAULT_TUNNEL_IDLE_PER_PORT,
  ) {
    // lifo: the most recently used tunnel first, so the others can time out when load drops.
    super({ keepAlive: true, maxFreeSockets: maxIdlePerPort, scheduling: "lifo" });
  }

  /** Options for http.request that send it through this pool to `target` along `route`. */
  requestOptions(route: TunnelRoute, target: TunnelTarget & { kind: "port" }): TunnelRequestOptions {
    return { agent: this, tunnelRoute: route, tunnelTarget: target };
  }

  override getName(options?: http.ClientRequestArgs): string {
    const o = options as TunnelRequestOptions;
    return `${o.tunnelRoute.nodeId}/${o.tunnelRoute.taskId}/${o.tunnelRoute.attempt}/${o.tunnelTarget.port}`;
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const o = options as TunnelRequestOptions;
    // Reason for the casts: Node's callback type has no "no stream" case; its agent passes an
    // error on as the request's error.
    this.connect(o.tunnelRoute, o.tunnelTarget).then(
      (channel) => callback?.(null, channel),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }

  /** A request finished with the tunnel: keep it for the next one unless the container ended it. */
  override keepSocketAlive(socket: Duplex): boolean {
    const idleMs = this.idleFor(socket);
    if (socket.readableEnded || socket.destroyed || idleMs <= 0) return false;
    const s = socket as Pooled;
    const onEnd = () => socket.destroy();
    // The container closing an idle connection ends the tunnel; it leaves the pool at once.
    socket.once("end", onEnd);
    const timer = setTimeout(() => socket.destroy(), idleMs);
    timer.unref();
    s[IDLE_TIMER] = { timer, onEnd };
    return true;
  }

  /** An idle tunnel taken for `request`: Node's bookkeeping (reusedSocket), and no more idle timer. */
  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    super.reuseSocket(socket, request);
    const s = socket as Pooled;
    const idle = s[IDLE_TIMER];
    if (!idle) return;
    clearTimeout(idle.timer);
    socket.off("end", idle.onEnd);
    delete s[IDLE_TIMER];
  }

  /** idleMs, or less when the container's last response said `Keep-Alive: timeout=N`. */
  private idleFor(socket: Duplex): number {
    const res = (socket as Duplex & { _httpMessage?: http.ClientRequest & { res?: http.IncomingMessage } })
      ._httpMessage?.res;
    const hint = /timeout=(\d+)/.exec(String(res?.headers["keep-alive"] ?? ""));
    return hint ? Math.min(this.idleMs, Number(hint[1]) * 1000 - 1000) : this.idleMs;
  }
}
