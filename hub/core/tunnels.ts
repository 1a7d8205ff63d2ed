import crypto from "node:crypto";
import type { Duplex } from "node:stream";
import type { Authorizer } from "./authz/authorizer";
import type { Clock } from "./clock";
import { AgentUnavailableError, ConflictError, CorralError, ForbiddenError, NotFoundError } from "./errors";
import type { Task, User, Workload } from "./model";
import type { Store } from "./repositories";
import type { KeyRing } from "./key-ring";
import { digestsEqual } from "./secrets";

/** What one tunnel reaches in a task's container. */
export type TunnelTarget =
  | { kind: "port"; port: number }
  | { kind: "exec"; command: string[]; tty: boolean; stdin: boolean; cols: number; rows: number };

/**
 * One open tunnel: a byte stream to the container port, or an exec's stdin (write) and stdout /
 * TTY (read), with "stderr" (Buffer) and "exit" (code) events for exec.
 */
export interface TunnelChannel extends Duplex {
  readonly exitCode: number | null;
  resize(cols: number, rows: number): void;
}

/** Opens tunnels through a node's agent (implemented by the agent gateway). */
export interface TunnelTransport {
  open(nodeId: string, taskId: string, attempt: number, target: TunnelTarget): Promise<TunnelChannel>;
}

/** Where an authorized tunnel goes: the node, task and attempt running it. */
export interface TunnelRoute {
  nodeId: string;
  taskId: string;
  attempt: number;
}

/** The container could not be reached (nothing listens on the port, connect timed out, exec failed). */
export class TunnelUnreachableError extends CorralError {
  readonly kind = "unavailable";
}

/** What a signed tunnel URL grants: one user, one task port, until `expiresAt` (unix ms). */
export interface TunnelGrant {
  username: string;
  workloadId: string;
  index: number;
  port: number;
  expiresAt: number;
}

/** Lifetime of a signed tunnel URL. @default 5 minutes */
export const DEFAULT_TUNNEL_URL_TTL_MS = 5 * 60_000;

/**
 * Who may reach a task's ports and shell, and the event kept for every open: the workload's owner
 * and admins only; a task must be running on a node. Signed URLs carry the grant for browsers
 * (HMAC-SHA256 over the grant with a hub key kept in settings).
 */
export class TaskTunnels {
  private transport: TunnelTransport | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: KeyRing,
    private readonly authz: Authorizer,
  ) {}

  setTransport(transport: TunnelTransport): void {
    this.transport = transport;
  }

  /** Throws ForbiddenError unless core.authz lets `user` change the workload (owner, its unit's admin, admin). */
  checkAccess(user: User, workload: Workload): void {
    const resource = { kind: "object", owner: workload.owner, unitId: workload.quotaUnitId } as const;
    if (!this.authz.can(user, "object.write", resource))
      throw new ForbiddenError("only the workload's owner and admins may reach its tasks");
  }

  /**
   * Opens one tunnel to `workload`'s task `index` for `user`, and records who opened what. Throws
   * ForbiddenError, NotFoundError (no such task), ConflictError (task not running),
   * AgentUnavailableError (agent not connected) or TunnelUnreachableError.
   */
  async open(user: User, workload: Workload, index: number, target: TunnelTarget): Promise<TunnelChannel> {
    return this.connect(this.authorize(user, workload, index, target), target);
  }

  /**
   * Checks that `user` may reach `target` of `workload`'s task `index` and records the open as an
   * event (for HTTP, once per request, also when the request reuses a kept-alive connection).
   * Returns where the task runs. Throws ForbiddenError, NotFoundError or ConflictError.
   */
  authorize(user: User, workload: Workload, index: number, target: TunnelTarget): TunnelRoute {
    this.checkAccess(user, workload);
    const task = this.runningTask(workload, index);
    const what =
      target.kind === "port" ? `port ${target.port}` : `exec ${JSON.stringify(target.command.join(" "))}`;
    this.store.events.append({
      workloadId: workload.id,
      taskId: task.id,
      type: "Normal",
      reason: target.kind === "port" ? "TunnelOpened" : "ExecStarted",
      message: `${user.username} opened ${what} of task ${index}`,
      at: this.clock.now(),
    });
    return { nodeId: task.nodeId as string, taskId: task.id, attempt: task.attempt };
  }

  /**
   * A new tunnel along an authorized route. Throws AgentUnavailableError (agent not connected) or
   * TunnelUnreachableError.
   */
  connect(route: TunnelRoute, target: TunnelTarget): Promise<TunnelChannel> {
    if (!this.transport) return Promise.reject(new AgentUnavailableError("no agent gateway in this hub"));
    return this.transport.open(route.nodeId, route.taskId, route.attempt, target);
  }

  /** A signed token for `grant` (base64url JSON "." base64url HMAC). */
  sign(
    user: User,
    workload: Workload,
    index: number,
    port: number,
    ttlMs = DEFAULT_TUNNEL_URL_TTL_MS,
  ): {
    token: string;
    expiresAt: number;
  } {
    this.checkAccess(user, workload);
    const grant: TunnelGrant = {
      username: user.username,
      workloadId: workload.id,
      index,
      port,
      expiresAt: this.clock.now() + ttlMs,
    };
    const body = Buffer.from(JSON.stringify(grant)).toString("base64url");
    return { token: `${body}.${this.mac(body)}`, expiresAt: grant.expiresAt };
  }

  /** The grant of a valid, unexpired token for exactly this task port; null otherwise. */
  verify(token: string, workloadId: string, index: number, port: number): TunnelGrant | null {
    const [body, mac] = token.split(".");
    if (!body || !mac || !digestsEqual(mac, this.mac(body))) return null;
    let grant: TunnelGrant;
    try {
      grant = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TunnelGrant;
    } catch {
      return null;
    }
    if (grant.workloadId !== workloadId || grant.index !== index || grant.port !== port) return null;
    return grant.expiresAt > this.clock.now() ? grant : null;
  }

  private runningTask(workload: Workload, index: number): Task {
    const tasks = this.store.tasks.byWorkload(workload.id).filter((t) => t.index === index);
    if (tasks.length === 0) throw new NotFoundError("task", String(index));
    const task = tasks.find((t) => t.state === "running" && t.nodeId) ?? tasks[0]!;
    if (task.state !== "running" || !task.nodeId)
      throw new ConflictError(`task ${index} is ${task.state}, not running: nothing to reach`);
    return task;
  }

  private mac(body: string): string {
    return crypto.createHmac("sha256", this.keys.current("tunnel-url")).update(body).digest("hex");
  }
}
