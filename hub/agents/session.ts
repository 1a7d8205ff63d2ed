import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type {
  AgentMessage,
  Hello,
  HubMessage,
  ImageCommitResult,
  LogChunk,
} from "../../proto/gen/corral/v1/agent_link";
import type { TaskSpec } from "../../proto/gen/corral/v1/tasks";
import type { Core } from "../core";
import {
  hardwareFromProto,
  metricsFromProto,
  reportFromProto,
  runtimeFromProto,
  specToProto,
  taskUsageFromProto,
} from "./codec";

export interface SessionOptions {
  heartbeatIntervalMs: number;
  logger: Logger;
  /** Called when the stream ends, so the gateway can forget this session. */
  onClose: (session: AgentSession) => void;
  onLogChunk: (chunk: LogChunk) => void;
  onImageCommitResult: (result: ImageCommitResult) => void;
  /** Signs a renewal request of this node's certificate (the answer goes back on this stream). */
  onCertificateRequest: (csr: string) => { certificate: string; caCertificate: string; error: string };
}

/**
 * One connected agent: its stream, its liveness in memory, and the desired set last sent to it, so
 * changes go out as deltas. Every Hello gets a Welcome with the full desired set.
 */
export class AgentSession {
  lastBeatAt: number;
  heartbeats = 0;
  private version = 0;
  /** taskId -> serialized spec last sent; a changed spec is sent again as an add. */
  private sent = new Map<string, { attempt: number; json: string }>();
  private welcomed = false;
  private closed = false;
  private deltaQueued = false;

  constructor(
    readonly nodeId: string,
    private readonly call: ServerDuplexStream<AgentMessage, HubMessage>,
    private readonly core: Core,
    private readonly options: SessionOptions,
  ) {
    this.lastBeatAt = core.clock.now();
    call.on("data", (msg: AgentMessage) => this.receive(msg));
    call.on("end", () => this.close("stream ended by agent"));
    call.on("error", (err: Error) => this.close(`stream error: ${err.message}`));
    call.on("cancelled", () => this.close("stream cancelled"));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether this stream has had its Hello answered. */
  get isWelcomed(): boolean {
    return this.welcomed;
  }

  send(msg: HubMessage): void {
    if (!this.closed) this.call.write(msg);
  }

  /** Coalesces desired-set changes from one turn of the event loop into one delta. */
  desiredChanged(): void {
    if (!this.welcomed || this.deltaQueued) return;
    this.deltaQueued = true;
    setImmediate(() => {
      this.deltaQueued = false;
      this.sendDelta();
    });
  }

  /**
   * The node was drained: the new desired set goes out now (not on the next turn), then `Drain`
   * with the reason, so the agent stops the evicted tasks at once and says why in their reports.
   */
  drain(reason: string): void {
    if (!this.welcomed) return;
    this.sendDelta();
    this.send({ body: { $case: "drain", value: { reason } } });
  }

  /** Ends the session from the hub's side (replaced by a newer one, or shutdown). */
  end(reason: string): void {
    if (this.closed) return;
    this.options.logger.info({ nodeId: this.nodeId, reason }, "closing agent session");
    this.call.end();
    this.close(reason);
  }

  private receive(msg: AgentMessage): void {
    try {
      switch (msg.body?.$case) {
        case "hello":
          return this.hello(msg.body.value);
        case "heartbeat":
          // Per-task usage: latest in memory (OTE autoscaling, health), history in batched minutes.
          this.core.taskMetrics.record(
            this.nodeId,
            msg.body.value.tasks.map(taskUsageFromProto),
            metricsFromProto(msg.body.value.node, msg.body.value.gpus, this.core.clock.now()).gpus,
          );
          return this.heartbeat(msg.body.value.node, msg.body.value.gpus);
        case "taskUpdate": {
          const report = reportFromProto(msg.body.value);
          if (report) this.core.lifecycle.applyReport(this.nodeId, report);
          return;
        }
        case "logChunk":
          return this.options.onLogChunk(msg.body.value);
        case "imageCommitResult":
          return this.options.onImageCommitResult(msg.body.value);
        case "certificateRequest":
          return this.send({
            body: { $case: "certificate", value: this.options.onCertificateRequest(msg.body.value.csr) },
          });
        default:
          return;
      }
    } catch (err) {
      this.options.logger.error({ err, nodeId: this.nodeId }, "failed to handle agent message");
    }
  }

  private hello(h: Hello): void {
    const { node, droppedLabels, hardwareChange } = this.core.nodes.helloReport(this.nodeId, {
      agentVersion: h.agentVersion,
      address: peerAddress(this.call.getPeer()),
      labels: h.labels,
      hardware: hardwareFromProto(h.hardware),
      runtime: runtimeFromProto(h.runtime),
    });
    if (droppedLabels.length > 0) {
      this.options.logger.warn(
        { nodeId: this.nodeId, node: node.name, dropped: droppedLabels, allowed: node.allowedLabels },
        "agent labels outside its join token's allowedLabels dropped",
      );
    }
    if (hardwareChange !== null) {
      this.options.logger.warn(
        { nodeId: this.nodeId, node: node.name, change: hardwareChange },
        "hardware changed",
      );
    }
    const reports = h.tasks.flatMap((u) => reportFromProto(u) ?? []);
    this.core.lifecycle.reconcileNode(this.nodeId, reports);
    this.lastBeatAt = this.core.clock.now();
    const tasks = this.desired();
    this.sent = new Map(tasks.map((t) => [t.taskId, { attempt: t.attempt, json: JSON.stringify(t) }]));
    this.version = 1;
    this.send({
      body: {
        $case: "welcome",
        value: {
          nodeId: this.nodeId,
          heartbeatIntervalMs: this.options.heartbeatIntervalMs,
          desiredVersion: this.version,
          tasks,
          labels: node.labels,
        },
      },
    });
    this.welcomed = true;
    this.core.nodes.setStatus(this.nodeId, "ready");
    this.options.logger.info(
      { nodeId: this.nodeId, node: node.name, tasks: tasks.length, reported: reports.length },
      "agent welcomed",
    );
  }

  private heartbeat(
    ...[node, gpus]: [Parameters<typeof metricsFromProto>[0], Parameters<typeof metricsFromProto>[1]]
  ): void {
    const now = this.core.clock.now();
    this.lastBeatAt = now;
    this.heartbeats++;
    this.core.nodes.touch(this.nodeId);
    this.core.nodes.recordMetrics(this.nodeId, metricsFromProto(node, gpus, now));
    if (this.welcomed) this.core.nodes.setStatus(this.nodeId, "ready");
  }

  private sendDelta(): void {
    if (this.closed) return;
    const tasks = this.desired();
    const next = new Map(tasks.map((t) => [t.taskId, { attempt: t.attempt, json: JSON.stringify(t) }]));
    const add = tasks.filter((t) => this.sent.get(t.taskId)?.json !== next.get(t.taskId)?.json);
    const remove = [...this.sent]
      .filter(([id]) => !next.has(id))
      .map(([taskId, s]) => ({ taskId, attempt: s.attempt }));
    this.sent = next;
    if (add.length === 0 && remove.length === 0) return;
    this.version++;
    this.send({ body: { $case: "delta", value: { version: this.version, add, remove } } });
  }

  private desired(): TaskSpec[] {
    return this.core.desired.forNode(this.nodeId).map(specToProto);
  }

  private close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.options.logger.info({ nodeId: this.nodeId, reason }, "agent session closed");
    this.options.onClose(this);
  }
}

/** "ipv4:10.0.0.5:51234" / "ipv6:[::1]:5000" / "10.0.0.5:51234" -> the address part. */
export function peerAddress(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, "");
  const v6 = /^\[([^\]]+)\]:\d+$/.exec(p);
  if (v6) return v6[1] as string;
  const i = p.lastIndexOf(":");
  return i > 0 ? p.slice(0, i) : p;
}
