import {
  Metadata,
  status,
  type sendUnaryData,
  type Server,
  type ServerDuplexStream,
  type ServerUnaryCall,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { AgentLinkServiceFastTunnel } from "./tunnel-service";
import {
  type AgentLinkServer,
  type AgentMessage,
  type HubMessage,
  type JoinRequest,
  type JoinResponse,
  type LogChunk,
  type TunnelFrame,
} from "../../proto/gen/corral/v1/agent_link";
import type { Core } from "../core";
import { AgentUnavailableError, CorralError, ValidationError } from "../core/errors";
import { newId } from "../core/secrets";
import type { TunnelChannel, TunnelTarget, TunnelTransport } from "../core/tunnels";
import type { TaskLogSource } from "../core/workloads";
import type { ImageCommitter } from "../core/images";
import { ImageCommits } from "./image-commits";
import { verifyCsr, type RequestKey } from "../../lib/pki/csr";
import type { HubCa } from "../tls/hub-ca";
import { peerCertificate } from "./peer-certificate";
import { AgentSession } from "./session";
import { DEFAULT_TUNNEL_OPEN_TIMEOUT_MS, TunnelBroker } from "./tunnel-broker";
import { JoinPacer } from "./join-pacer";

/** Metadata key of a paced join's RESOURCE_EXHAUSTED: ms after which the agent should join again. */
export const RETRY_AFTER_MS_KEY = "retry-after-ms";

/** Joins admitted per second before a storm is paced (CORRAL_JOIN_RATE). */
export const DEFAULT_JOIN_RATE = 200;

export interface GatewayOptions {
  /** Advertised to agents. @default 10_000 ms */
  heartbeatIntervalMs: number;
  /** Beats missed before a node is notready. @default 4 */
  missedBeats: number;
  /** How long a log request may take. @default 15_000 ms */
  logTimeoutMs: number;
  /** How long a new stream has to send its Hello. @default 30_000 ms */
  helloTimeoutMs: number;
  /** How long a tunnel open may take. @default DEFAULT_TUNNEL_OPEN_TIMEOUT_MS (10 s) */
  tunnelOpenTimeoutMs?: number;
  /** The hub CA: signs node certificates at Join and on renewal (issue 13). */
  ca: HubCa;
  /** Lifetime of a node client certificate (CORRAL_NODE_CERT_TTL_HOURS). @default 30 days */
  nodeCertTtlMs: number;
  /** Joins admitted per second; more are told to retry later (JoinPacer). 0: no pacing. @default 200 */
  joinRatePerS?: number;
  logger: Logger;
}

interface PendingLog {
  chunks: Buffer[];
  resolve: (text: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The hub side of AgentLink: trades join tokens for node credentials, holds one session per node
 * (a newer stream replaces an older one), keeps liveness in memory and answers log requests
 * (startHub makes it the core's task log source).
 */
export class AgentGateway implements TaskLogSource, TunnelTransport, ImageCommitter {
  readonly sessions = new Map<string, AgentSession>();
  private readonly tunnels: TunnelBroker;
  private readonly pendingLogs = new Map<string, PendingLog>();
  private readonly commits = new ImageCommits();
  private readonly joinPacer: JoinPacer;
  /** Joins refused by the pacer since start (benchmarks, logs). */
  pacedJoins = 0;
  private unsubscribe: (() => void) | null = null;
  private unsubscribeNodes: (() => void) | null = null;
  private unsubscribeDrains: (() => void) | null = null;

  constructor(
    private readonly core: Core,
    private readonly options: GatewayOptions,
  ) {
    this.tunnels = new TunnelBroker(options.tunnelOpenTimeoutMs ?? DEFAULT_TUNNEL_OPEN_TIMEOUT_MS);
    this.joinPacer = new JoinPacer(options.joinRatePerS ?? DEFAULT_JOIN_RATE);
    this.unsubscribe = core.signals.desiredChanged.on((nodeId) =>
      this.sessions.get(nodeId)?.desiredChanged(),
    );
    // An admin's "replace node" revokes the credential: the stream it opened goes too.
    // Its certificates were revoked with it (NodeService.replace): the next Connect fails too.
    this.unsubscribeNodes = core.signals.nodeChanged.on((nodeId) => {
      const node = core.nodes.findById(nodeId);
      if (node && core.nodes.replacePending(node)) {
        this.sessions.get(nodeId)?.end("node credential revoked (replace node)");
        this.tunnels.nodeGone(nodeId, "node credential revoked (replace node)");
      }
    });
    // A drain (native, ModelArts, a node removal) reaches the agent as `Drain` (issue 11).
    this.unsubscribeDrains = core.signals.nodeDrained.on(({ nodeId, reason }) =>
      this.sessions.get(nodeId)?.drain(reason),
    );
  }

  /** The grpc-js service implementation. */
  /** Serves AgentLink on `server` (the composition root owns the server, its port and shutdown). */
  register(server: Server): void {
    server.addService(AgentLinkServiceFastTunnel, this.service());
  }

  service(): AgentLinkServer {
    return {
      join: (call, callback) => this.join(call, callback),
      connect: (call) => this.connect(call),
      tunnel: (call) => this.tunnel(call),
    };
  }

  /** Marks nodes whose agent missed `missedBeats` heartbeats as notready. Call on a timer. */
  checkLiveness(): void {
    const deadline = this.core.clock.now() - this.options.heartbeatIntervalMs * this.options.missedBeats;
    for (const s of this.sessions.values()) {
      if (s.lastBeatAt < deadline) this.core.nodes.setStatus(s.nodeId, "notready");
    }
  }

  heartbeatCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.heartbeats;
    return n;
  }

  fetch(nodeId: string, taskId: string, attempt: number, tailLines: number): Promise<string> {
    const session = this.sessions.get(nodeId);
    if (!session)
      return Promise.reject(new AgentUnavailableError(`the agent of node ${nodeId} is not connected`));
    const requestId = newId();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingLogs.delete(requestId);
        reject(
          new AgentUnavailableError(
            `the agent of node ${nodeId} did not send logs within ${this.options.logTimeoutMs} ms`,
          ),
        );
      }, this.options.logTimeoutMs);
      this.pendingLogs.set(requestId, { chunks: [], resolve, reject, timer });
      session.send({ body: { $case: "logRequest", value: { requestId, taskId, attempt, tailLines } } });
    });
  }

  open(nodeId: string, taskId: string, attempt: number, target: TunnelTarget): Promise<TunnelChannel> {
    const session = this.sessions.get(nodeId);
    if (!session || !session.isWelcomed)
      return Promise.reject(new AgentUnavailableError(`the agent of node ${nodeId} is not connected`));
    return this.tunnels.request(nodeId, taskId, attempt, target, (value) =>
      session.send({ body: { $case: "tunnelRequest", value } }),
    );
  }

  /** Saves a task's container as an image on its node (ImageCommitter). */
  commit(nodeId: string, taskId: string, attempt: number, reference: string): Promise<string> {
    const session = this.sessions.get(nodeId);
    if (!session || !session.isWelcomed)
      return Promise.reject(new AgentUnavailableError(`the agent of node ${nodeId} is not connected`));
    return this.commits.request((m) => session.send(m), nodeId, taskId, attempt, reference);
  }

  close(): void {
    this.commits.close();
    this.tunnels.close();
    this.unsubscribe?.();
    this.unsubscribeNodes?.();
    this.unsubscribeDrains?.();
    for (const s of this.sessions.values()) s.end("hub shutting down");
    for (const p of this.pendingLogs.values()) {
      clearTimeout(p.timer);
      p.reject(new AgentUnavailableError("hub shutting down"));
    }
    this.pendingLogs.clear();
  }

  private join(
    call: ServerUnaryCall<JoinRequest, JoinResponse>,
    callback: sendUnaryData<JoinResponse>,
  ): void {
    const req = call.request;
    // Paced before any work: a refusal costs microseconds, a join a signature and writes.
    const paced = this.joinPacer.admit(this.core.clock.now());
    if (!paced.admitted) {
      this.pacedJoins++;
      const metadata = new Metadata();
      metadata.set(RETRY_AFTER_MS_KEY, String(paced.retryAfterMs));
      callback(
        {
          code: status.RESOURCE_EXHAUSTED,
          details: `too many joins at once: join again in ${paced.retryAfterMs} ms`,
          metadata,
        },
        null,
      );
      return;
    }
    try {
      const token = this.core.joinTokens.redeem(req.joinToken);
      const cluster = token.cluster ?? (req.cluster || "default");
      // Checked before the join, so a bad request never rotates the node's credential.
      if (!req.certificateRequest)
        throw new ValidationError("certificate_request", "is required (PEM PKCS#10 of the node's key)");
      const key = requestKey(req.certificateRequest);
      const { node, credential } = this.core.nodes.join(cluster, req.nodeName, {
        proof: req.nodeCredential || undefined,
        keySha256: key.sha256,
        allowedLabels: token.allowedLabels ?? null,
      });
      // A join starts the node's certificates afresh: any earlier one (an impostor's, a lost
      // machine's) stops working.
      const cert = this.issueCertificate(node.id, cluster, key, true);
      this.options.logger.info(
        { nodeId: node.id, node: node.name, cluster, joinTokenId: token.id, certSerial: cert.serial },
        "node joined",
      );
      callback(null, {
        nodeId: node.id,
        nodeCredential: credential,
        cluster,
        certificate: cert.certPem,
        caCertificate: this.options.ca.certPem,
      });
    } catch (err) {
      this.options.logger.warn(
        { node: req.nodeName, cluster: req.cluster, reason: (err as Error).message },
        "join refused",
      );
      callback(grpcError(err), null);
    }
  }

  private connect(call: ServerDuplexStream<AgentMessage, HubMessage>): void {
    const nodeId = this.authenticatedNode(call);
    if (nodeId === null) return;
    const previous = this.sessions.get(nodeId);
    const session = new AgentSession(nodeId, call, this.core, {
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      logger: this.options.logger,
      onClose: (s) => {
        if (this.sessions.get(s.nodeId) !== s) return;
        this.sessions.delete(s.nodeId);
        this.tunnels.nodeGone(s.nodeId, "agent session closed");
        this.core.nodes.setStatus(s.nodeId, "notready");
      },
      onLogChunk: (c) => this.logChunk(c),
      onImageCommitResult: (r) => this.commits.result(r),
      onCertificateRequest: (csr) => this.renew(nodeId, csr),
    });
    this.sessions.set(nodeId, session);
    previous?.end("replaced by a newer connection");
    const helloTimer = setTimeout(() => {
      if (!session.isClosed && !session.isWelcomed) {
        session.end("no Hello received in time");
      }
    }, this.options.helloTimeoutMs);
    helloTimer.unref();
  }

  /**
   * The node the call's client certificate and credential both name; null after failing the call
   * with UNAUTHENTICATED otherwise (Connect and Tunnel alike). The certificate must have verified
   * against the hub CA (mutual TLS), name the node in its subject and be one of the node's
   * unrevoked, unexpired certificates; the credential must be that node's.
   */
  private authenticatedNode(call: ServerDuplexStream<unknown, unknown>): string | null {
    const refuse = (details: string): null => {
      this.options.logger.warn({ peer: call.getPeer(), reason: details }, "agent link refused");
      call.emit("error", { code: status.UNAUTHENTICATED, details, metadata: new Metadata() });
      return null;
    };
    const cert = peerCertificate(call);
    if (!cert) return refuse("a node client certificate signed by the hub CA is required");
    const credential = bearer(call.metadata);
    let nodeId: string;
    try {
      if (!credential) throw new AgentUnavailableError("missing node credential");
      nodeId = this.core.nodes.authenticate(credential).id;
    } catch {
      return refuse("invalid or missing node credential");
    }
    if (cert.subjectCommonName !== nodeId) return refuse("the client certificate belongs to another node");
    try {
      this.core.nodeCertificates.check(nodeId, cert.serial);
    } catch (err) {
      return refuse((err as Error).message);
    }
    return nodeId;
  }

  /** Signs `csr` for the node and records the certificate's serial (revokeOthers: a join). */
  private issueCertificate(nodeId: string, cluster: string, key: RequestKey, revokeOthers: boolean) {
    const issued = this.options.ca.signNode(key, nodeId, cluster, this.options.nodeCertTtlMs);
    this.core.nodeCertificates.record(nodeId, issued.serial, issued.notAfter, revokeOthers, key.sha256);
    return issued;
  }

  /** A renewal over Connect: the node's current certificate keeps working until it expires. */
  private renew(nodeId: string, csr: string): { certificate: string; caCertificate: string; error: string } {
    try {
      const node = this.core.nodes.byId(nodeId);
      const cluster = this.core.clusters.byId(node.clusterId)?.name ?? "";
      const cert = this.issueCertificate(nodeId, cluster, requestKey(csr), false);
      this.options.logger.info({ nodeId, certSerial: cert.serial }, "node certificate renewed");
      return { certificate: cert.certPem, caCertificate: this.options.ca.certPem, error: "" };
    } catch (err) {
      this.options.logger.warn(
        { nodeId, reason: (err as Error).message },
        "node certificate renewal refused",
      );
      return { certificate: "", caCertificate: "", error: (err as Error).message };
    }
  }

  private tunnel(call: ServerDuplexStream<TunnelFrame, TunnelFrame>): void {
    const nodeId = this.authenticatedNode(call);
    if (nodeId === null) return;
    this.tunnels.attach(nodeId, call);
  }

  private logChunk(c: LogChunk): void {
    const pending = this.pendingLogs.get(c.requestId);
    if (!pending) return;
    if (c.data.length > 0) pending.chunks.push(Buffer.from(c.data));
    if (c.error) {
      clearTimeout(pending.timer);
      this.pendingLogs.delete(c.requestId);
      pending.reject(new AgentUnavailableError(`agent could not read logs: ${c.error}`));
    } else if (c.eof) {
      clearTimeout(pending.timer);
      this.pendingLogs.delete(c.requestId);
      pending.resolve(Buffer.concat(pending.chunks).toString("utf8"));
    }
  }
}

/** The key of a certificate request whose signature verified; a 400-class error names the field. */
function requestKey(csr: string): RequestKey {
  try {
    return verifyCsr(csr);
  } catch (err) {
    throw new ValidationError("certificate_request", (err as Error).message);
  }
}

function bearer(md: Metadata): string | null {
  const v = md.get("authorization")[0];
  if (typeof v !== "string") return null;
  const m = /^Bearer\s+(.+)$/i.exec(v);
  return m ? (m[1] as string).trim() : null;
}

/** Domain errors as gRPC statuses (by class, never by message). */
function grpcError(err: unknown): { code: status; details: string } {
  if (err instanceof CorralError) {
    const code = {
      invalid: status.INVALID_ARGUMENT,
      unauthenticated: status.UNAUTHENTICATED,
      forbidden: status.PERMISSION_DENIED,
      not_found: status.NOT_FOUND,
      conflict: status.ALREADY_EXISTS,
      unavailable: status.UNAVAILABLE,
      rate_limited: status.RESOURCE_EXHAUSTED,
    }[err.kind];
    return { code, details: err.message };
  }
  return { code: status.INTERNAL, details: "internal error" };
}
