import { EventEmitter } from "node:events";
import {
  connectivityState,
  credentials,
  Metadata,
  type ClientDuplexStream,
  type ChannelOptions,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { FastTunnelAgentLinkClient } from "./tunnel-client";
import type { AgentMessage, HubMessage, JoinResponse } from "../../proto/gen/corral/v1/agent_link";
import type { GpuSample, HardwareInventory, NodeSample } from "../hardware/inventory";
import type { Reconciler, TaskStatus } from "../reconciler";
import type { Runtime } from "../runtime/runtime";
import { memoLast } from "../../lib/memo-last";
import { certificateFacts, generateKeyPair, type KeyPairPem } from "../../lib/pki/certificates";
import { createCsr } from "../../lib/pki/csr";
import { parseJoinToken } from "../../lib/pki/join-token";
import { loadIdentity, saveIdentity, type NodeIdentity } from "../state/identity";
import { NodeTlsStore } from "../state/node-tls";
import { helloToProto, samplesToProto, specFromProto, updateToProto } from "./codec";
import { HubCaError, HubTrust } from "./hub-trust";
import { ResumingChannelCredentials } from "./resuming-credentials";
import { AgentTunnels } from "./tunnels";
import {
  backoffDelay,
  hintedDelay,
  DEFAULT_RETRY,
  isTakenNode,
  isUnauthenticated,
  isUnreachable,
  type RetryPolicy,
} from "./retry-policy";

/** Where the link gets the node's inventory and its periodic samples. Neither may reject. */
export interface HardwareSource {
  inventory(): Promise<HardwareInventory>;
  sample(): Promise<{ node: NodeSample; gpus: GpuSample[] }>;
}

export interface HubLinkOptions {
  hub: string;
  cluster: string;
  nodeName: string;
  labels: string[];
  agentVersion: string;
  joinToken: string | undefined;
  /** Where the node identity is kept; null keeps it in memory (simulated agents). */
  dataDir: string | null;
  /** CORRAL_HUB_CA_FILE: the hub CA to trust; unset: the one pinned at the first join. */
  hubCaFile?: string;
  /**
   * Renew the node certificate when less than this fraction of its lifetime is left, checked at
   * every Welcome and every CERT_CHECK_MS. @default 1/3
   */
  certRenewFraction?: number;
  /**
   * Makes the node's key pair at each join and renewal. @default generateKeyPair (a fresh ECDSA
   * P-256 key; tests pass a cached one)
   */
  generateKey?: () => Promise<KeyPairPem>;
  retry?: RetryPolicy;
  logger: Logger;
}

/** Bytes per LogChunk. @default 64 KiB */
const LOG_CHUNK = 64 * 1024;
/** Most running containers sampled per stats pass (docker stats takes ~1 s each). @default 32 */
const MAX_TASK_STATS = 32;
/** How often a connected agent checks whether its certificate is due for renewal. @default 1 h */
const CERT_CHECK_MS = 3_600_000;

/** Channel options of every AgentLink client. */
const CHANNEL_OPTIONS: ChannelOptions = {
  // Detect a dead link within ~30 s even when no message flows.
  "grpc.keepalive_time_ms": 20_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 1,
  // One connection per agent even when many agents share a process (simulations, tests);
  // grpc-js would otherwise multiplex them all over one TCP connection.
  "grpc.use_local_subchannel_pool": 1,
  // HTTP/2 receive window per stream and connection (tunnelled uploads); Node's 64 KiB would
  // cap a tunnel at one window per round trip. The hub widens its side too (flow-control.ts).
  "grpc-node.flow_control_window": 4 * 1024 * 1024,
};

/**
 * The agent's side of AgentLink: joins once, then keeps one stream to the hub, reconnecting with
 * jittered exponential backoff. Every connection starts with a full Hello, and every Welcome and
 * delta is handed to the reconciler. Emits "hello" (sent), "welcome" (nodeId), "disconnected"
 * (reason), "joinRefused" (Error), "caRefused" (HubCaError: the hub presented an untrusted CA),
 * "certificateRenewed" ({ previousSerial, serial }) and "tunnel" (a TunnelRequest is being served).
 */
export class HubLink extends EventEmitter {
  /** The mutual-TLS client of the current node certificate; rebuilt when it changes. */
  private client: FastTunnelAgentLinkClient | null = null;
  /**
   * The mutual-TLS credentials of the current CA, key and certificate (`pems` joined), kept when
   * a failed channel is replaced: they hold the TLS session the next connection resumes.
   */
  private linkCredentials: { pems: string; credentials: ResumingChannelCredentials } | null = null;
  private readonly tls: NodeTlsStore;
  /** The node certificate's facts, parsed once per certificate (checked before every attempt). */
  private readonly certFacts = memoLast(certificateFacts);
  private readonly trust: HubTrust;
  private certTimer: NodeJS.Timeout | null = null;
  /** Clients replaced while a stream still ran on them; closed when that stream ends. */
  private retired: FastTunnelAgentLinkClient[] = [];
  /** The key of a renewal asked for and not yet answered. */
  private renewingKey: KeyPairPem | null = null;
  /**
   * The key of a join not yet answered, kept until one succeeds: when a join's answer is lost (the
   * link dropped after the hub took it), the retry signs with the same key, which proves to the
   * hub that it is the agent the node's live certificate went to (the hub refuses anyone else).
   */
  private joinKey: Promise<KeyPairPem> | null = null;
  /** Tunnels to task containers the hub asked for (ports, exec), over this link's connection. */
  private readonly tunnels: AgentTunnels;
  private identity: NodeIdentity | null;
  /**
   * The last credential this node was given, kept when the hub refuses it: a Join sends it as proof
   * that this agent is the node (the hub refuses a join for a node with a live credential otherwise).
   */
  private knownCredential: string;
  private call: ClientDuplexStream<AgentMessage, HubMessage> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private sleepTimer: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private sequence = 0;
  private welcomed = false;
  /** Latest per-task usage (taskId -> usage), refreshed by one stats pass at a time. */
  private taskUsage = new Map<string, { cpuPercent: number; memoryUsedMiB: number }>();
  private collectingStats = false;
  /** Last error that kept the link down, for status output and tests. */
  lastError: Error | null = null;

  constructor(
    private readonly options: HubLinkOptions,
    private readonly hardware: HardwareSource,
    private readonly runtime: Runtime,
    private readonly reconciler: Reconciler,
  ) {
    super();
    this.tls = new NodeTlsStore(options.dataDir);
    this.trust = new HubTrust({
      hub: options.hub,
      caFile: options.hubCaFile,
      store: this.tls,
      logger: options.logger,
    });
    this.tunnels = new AgentTunnels(() => this.linkClient(), runtime, options.logger);
    // The identity belongs to the node (cluster + name), not to the address it used to reach the
    // hub: a hub that moved keeps its nodes. A refused credential falls back to the join token.
    const stored = options.dataDir ? loadIdentity(options.dataDir) : null;
    this.identity =
      stored && stored.cluster === options.cluster && stored.nodeName === options.nodeName ? stored : null;
    this.knownCredential = this.identity?.credential ?? "";
  }

  get nodeId(): string | null {
    return this.identity?.nodeId ?? null;
  }

  get connected(): boolean {
    return this.welcomed;
  }

  start(): void {
    if (!this.loop) this.loop = this.run();
  }

  /** Reports a task change to the hub when connected; otherwise the next Hello carries it. */
  send(status: TaskStatus): void {
    if (this.welcomed) this.write({ body: { $case: "taskUpdate", value: updateToProto(status) } });
  }

  /** Closes the stream and stops reconnecting. Containers keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleepTimer?.wake();
    this.endCall();
    await this.loop;
    this.stopCertChecks();
    this.client?.close();
    this.client = null;
  }

  /** Drops the current stream as a broken link would (tests); the link reconnects. */
  dropConnection(): void {
    this.call?.cancel();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        // No certificate (first start, or an agent from before TLS), or an expired one (offline
        // past its life: the hub refuses it at the handshake): join for one.
        if (!this.identity || !this.hasLiveCertificate()) this.identity = await this.join();
        const welcomed = await this.session(this.identity);
        if (welcomed) attempt = 0;
      } catch (err) {
        // A paced join came over the verified TLS link: no CA probe (it would cost the busy hub a
        // handshake per refusal).
        this.lastError =
          hintedDelay(err) !== null ? (err as Error) : ((await this.caChange(err)) ?? (err as Error));
        if (this.lastError instanceof HubCaError) {
          this.options.logger.error({ reason: this.lastError.message }, "hub CA refused");
          this.emit("caRefused", this.lastError);
        } else if (isUnauthenticated(err) && this.identity && this.options.joinToken) {
          this.options.logger.warn(
            { reason: (err as Error).message },
            "hub refused the node credential; joining again",
          );
          this.identity = null;
        } else {
          this.options.logger.warn({ reason: (err as Error).message }, "hub link down");
        }
      }
      if (this.stopped) break;
      // A paced join (the hub is taking a join storm) comes back when the hub said, not sooner.
      const hinted = this.lastError ? hintedDelay(this.lastError) : null;
      await this.sleep(hinted ?? backoffDelay(this.options.retry ?? DEFAULT_RETRY, attempt++));
    }
  }

  /** Whether a node key and an unexpired node certificate are stored. */
  private hasLiveCertificate(): boolean {
    const cert = this.tls.read("cert");
    if (!cert || !this.tls.read("key")) return false;
    try {
      return this.certFacts(cert).notAfter > Date.now();
    } catch {
      return false;
    }
  }

  /** A TLS failure that is the hub presenting another CA than the trusted one, as a HubCaError. */
  private async caChange(err: unknown): Promise<HubCaError | null> {
    if (err instanceof HubCaError) return err;
    if (isUnauthenticated(err) || isTakenNode(err) || isUnreachable(err)) return null;
    return this.trust.checkChanged();
  }

  /** The client for Connect and Tunnel: mutual TLS with the node's key and certificate. */
  private linkClient(): FastTunnelAgentLinkClient {
    if (this.client) return this.client;
    const ca = this.trust.known();
    const key = this.tls.read("key");
    const cert = this.tls.read("cert");
    if (!ca || !key || !cert) throw new Error("no hub CA or node certificate yet: join first");
    // Resumes its last TLS session on a reconnect (a hub restart: every agent at once). A new CA
    // or certificate makes new credentials, so no session outlives the identity it was made with.
    const pems = `${ca}\n${key}\n${cert}`;
    if (this.linkCredentials?.pems !== pems)
      this.linkCredentials = {
        pems,
        credentials: new ResumingChannelCredentials({ caPem: ca, keyPem: key, certPem: cert }),
      };
    this.client = new FastTunnelAgentLinkClient(
      this.options.hub,
      this.linkCredentials.credentials,
      CHANNEL_OPTIONS,
    );
    return this.client;
  }

  /**
   * After an attempt that failed before a Welcome: a channel in TRANSIENT_FAILURE is closed, so
   * the next attempt connects when this link's backoff says. grpc-js would keep the channel in its
   * own reconnect backoff (1 s growing to 120 s) and fail every call before it at once with the
   * last error: after a hub restart, agents came back only on grpc-js's schedule, each fast
   * failure costing a CA probe (issue 15).
   */
  private dropFailedChannel(client: FastTunnelAgentLinkClient): void {
    if (this.client !== client) return;
    if (client.getChannel().getConnectivityState(false) !== connectivityState.TRANSIENT_FAILURE) return;
    this.client = null;
    client.close();
  }

  /** Drops the current client (a new certificate or CA): the next call builds one. */
  private resetClient(): void {
    const old = this.client;
    this.client = null;
    // The current stream (and its tunnels) keep the old channel until the stream ends.
    if (old && this.call) this.retired.push(old);
    else old?.close();
  }

  private async join(): Promise<NodeIdentity> {
    const token = this.options.joinToken;
    if (!token) {
      const err = new Error("no stored node credential and no CORRAL_JOIN_TOKEN to join with");
      this.emit("joinRefused", err);
      throw err;
    }
    const parsed = parseJoinToken(token);
    // The hub is verified before the secret is sent: against the token's CA fingerprint, the
    // pinned CA or CORRAL_HUB_CA_FILE (or pinned now, trust on first use, for a bare token).
    const ca = await this.trust.forJoin(parsed.caFingerprint);
    this.joinKey ??= (this.options.generateKey ?? generateKeyPair)().catch((err: unknown) => {
      this.joinKey = null;
      throw err;
    });
    const keys = await this.joinKey;
    const client = new FastTunnelAgentLinkClient(this.options.hub, credentials.createSsl(Buffer.from(ca)), {
      ...CHANNEL_OPTIONS,
      "grpc.use_local_subchannel_pool": 1,
    });
    try {
      return await this.joinWith(client, parsed.secret, keys);
    } finally {
      client.close();
    }
  }

  private joinWith(
    client: FastTunnelAgentLinkClient,
    secret: string,
    keys: KeyPairPem,
  ): Promise<NodeIdentity> {
    return new Promise((resolve, reject) => {
      client.join(
        {
          joinToken: secret,
          nodeName: this.options.nodeName,
          cluster: this.options.cluster,
          nodeCredential: this.knownCredential,
          certificateRequest: createCsr(keys, `${this.options.cluster}/${this.options.nodeName}`),
        },
        (err: Error | null, res?: JoinResponse) => {
          if (err || !res) {
            if (isUnauthenticated(err) || isTakenNode(err)) this.emit("joinRefused", err);
            return reject(err ?? new Error("empty join response"));
          }
          const identity: NodeIdentity = {
            hub: this.options.hub,
            cluster: this.options.cluster,
            nodeName: this.options.nodeName,
            nodeId: res.nodeId,
            credential: res.nodeCredential,
          };
          // Key first: a crash between the writes never leaves a certificate without its key.
          this.tls.write("key", keys.privateKey);
          this.tls.write("cert", res.certificate);
          this.joinKey = null;
          this.resetClient();
          if (this.options.dataDir) saveIdentity(this.options.dataDir, identity);
          this.knownCredential = identity.credential;
          this.options.logger.info({ nodeId: res.nodeId, cluster: res.cluster }, "joined the hub");
          resolve(identity);
        },
      );
    });
  }

  /** One stream, from Hello to its end. Resolves whether a Welcome was received; rejects on refusal. */
  private async session(identity: NodeIdentity): Promise<boolean> {
    const [hardware, runtime, tasks] = await Promise.all([
      this.hardware.inventory(),
      this.runtime.check(),
      this.reconciler.statuses(),
    ]);
    if (this.stopped) return false;
    const metadata = new Metadata();
    metadata.set("authorization", `Bearer ${identity.credential}`);
    const client = this.linkClient();
    const call = client.connect(metadata);
    this.call = call;
    let welcomed = false;
    return new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null) => {
        if (settled) return;
        settled = true;
        this.stopHeartbeats();
        this.stopCertChecks();
        this.renewingKey = null;
        this.tunnels.closeAll();
        for (const c of this.retired.splice(0)) c.close();
        const wasWelcomed = this.welcomed;
        this.welcomed = false;
        if (this.call === call) this.call = null;
        if (wasWelcomed) this.emit("disconnected", err?.message ?? "stream ended");
        if (err && !welcomed) this.dropFailedChannel(client);
        if (err && (!welcomed || isUnauthenticated(err))) reject(err);
        else resolve(welcomed);
      };
      call.on("data", (msg: HubMessage) => {
        if (msg.body?.$case === "welcome") welcomed = true;
        this.receive(msg);
      });
      call.on("error", (err: Error) => finish(err));
      call.on("end", () => finish(null));
      call.write({
        body: {
          $case: "hello",
          value: helloToProto({
            nodeName: this.options.nodeName,
            cluster: this.options.cluster,
            agentVersion: this.options.agentVersion,
            labels: this.options.labels,
            hardware,
            runtime,
            tasks,
          }),
        },
      });
      this.emit("hello");
    });
  }

  private receive(msg: HubMessage): void {
    switch (msg.body?.$case) {
      case "welcome": {
        const w = msg.body.value;
        this.welcomed = true;
        this.lastError = null;
        this.startHeartbeats(w.heartbeatIntervalMs);
        this.options.logger.info(
          { nodeId: w.nodeId, tasks: w.tasks.length, heartbeatMs: w.heartbeatIntervalMs },
          "welcomed by the hub",
        );
        void this.reconciler.setDesired(w.tasks.map(specFromProto));
        this.startCertChecks();
        this.emit("welcome", w.nodeId);
        return;
      }
      case "certificate":
        this.renewed(msg.body.value.certificate, msg.body.value.error);
        return;
      case "delta":
        void this.reconciler.applyDelta(msg.body.value.add.map(specFromProto), msg.body.value.remove);
        return;
      case "logRequest":
        void this.answerLogs(
          msg.body.value.requestId,
          msg.body.value.taskId,
          msg.body.value.attempt,
          msg.body.value.tailLines,
        );
        return;
      case "imageCommit":
        void this.answerCommit(
          msg.body.value.requestId,
          msg.body.value.taskId,
          msg.body.value.attempt,
          msg.body.value.reference,
        );
        return;
      case "tunnelRequest":
        if (this.identity) {
          this.tunnels.handle(msg.body.value, this.identity.credential);
          this.emit("tunnel");
        }
        return;
      case "drain": {
        // The hub's desired set stays the truth; Drain makes the stops happen now, with the reason.
        const reason = msg.body.value.reason;
        this.options.logger.info(
          { reason },
          "hub drained this node: stopping the tasks it no longer wants here",
        );
        void this.reconciler.drain(reason).then(() => this.emit("drained", reason));
        return;
      }
      default:
        return;
    }
  }

  private async answerLogs(
    requestId: string,
    taskId: string,
    attempt: number,
    tailLines: number,
  ): Promise<void> {
    try {
      const data = Buffer.from(await this.reconciler.logs(taskId, attempt, tailLines), "utf8");
      for (let off = 0; off < data.length; off += LOG_CHUNK) {
        this.write({
          body: {
            $case: "logChunk",
            value: { requestId, data: data.subarray(off, off + LOG_CHUNK), eof: false, error: "" },
          },
        });
      }
      this.write({
        body: { $case: "logChunk", value: { requestId, data: Buffer.alloc(0), eof: true, error: "" } },
      });
    } catch (err) {
      this.write({
        body: {
          $case: "logChunk",
          value: { requestId, data: Buffer.alloc(0), eof: true, error: (err as Error).message },
        },
      });
    }
  }

  private async answerCommit(
    requestId: string,
    taskId: string,
    attempt: number,
    reference: string,
  ): Promise<void> {
    let result = { requestId, imageId: "", error: "" };
    try {
      result = { ...result, imageId: await this.reconciler.commit(taskId, attempt, reference) };
    } catch (err) {
      result = { ...result, error: (err as Error).message || "commit failed" };
    }
    this.write({ body: { $case: "imageCommitResult", value: result } });
  }

  private startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    let busy = false;
    const beat = async () => {
      if (busy) return; // a slow sample (nvidia-smi) skips a beat rather than piling up
      busy = true;
      try {
        void this.collectTaskStats();
        const s = await this.hardware.sample();
        const { node, gpus } = samplesToProto(s.node, s.gpus);
        // The latest finished stats pass: beats never wait for docker stats.
        const tasks = [...this.taskUsage].map(([taskId, u]) => ({
          taskId,
          cpuPercent: u.cpuPercent,
          memoryUsedMib: Math.round(u.memoryUsedMiB),
        }));
        this.write({
          body: { $case: "heartbeat", value: { sequence: ++this.sequence, node, gpus, tasks } },
        });
      } finally {
        busy = false;
      }
    };
    this.heartbeatTimer = setInterval(() => void beat(), Math.max(10, intervalMs));
    void beat();
  }

  /** One pass of per-container stats over up to MAX_TASK_STATS running containers; never overlaps. */
  private async collectTaskStats(): Promise<void> {
    const stats = this.runtime.stats?.bind(this.runtime);
    if (!stats || this.collectingStats) return;
    this.collectingStats = true;
    try {
      const running = (await this.runtime.list())
        .filter((c) => c.state === "running")
        .slice(0, MAX_TASK_STATS);
      const next = new Map<string, { cpuPercent: number; memoryUsedMiB: number }>();
      for (const c of running) {
        const usage = await stats(c.containerId);
        if (usage) next.set(c.taskId, usage);
      }
      this.taskUsage = next;
    } catch {
      // best effort: an engine hiccup leaves the previous pass in place
    } finally {
      this.collectingStats = false;
    }
  }

  /** Checks now and every CERT_CHECK_MS whether the node certificate is due for renewal. */
  private startCertChecks(): void {
    this.stopCertChecks();
    this.certTimer = setInterval(() => void this.renewIfDue(), CERT_CHECK_MS);
    this.certTimer.unref();
    void this.renewIfDue();
  }

  private stopCertChecks(): void {
    if (this.certTimer) clearInterval(this.certTimer);
    this.certTimer = null;
  }

  /** Asks the hub for a new certificate (a fresh key) once less than certRenewFraction is left. */
  private async renewIfDue(): Promise<void> {
    const cert = this.tls.read("cert");
    if (!cert || this.renewingKey || !this.welcomed) return;
    const facts = this.certFacts(cert);
    const left = facts.notAfter - Date.now();
    if (left > (facts.notAfter - facts.notBefore) * (this.options.certRenewFraction ?? 1 / 3)) return;
    const keys = await (this.options.generateKey ?? generateKeyPair)();
    if (!this.welcomed || this.renewingKey) return;
    this.renewingKey = keys;
    this.options.logger.info(
      { expiresAt: new Date(facts.notAfter).toISOString() },
      "renewing the node certificate",
    );
    this.write({
      body: {
        $case: "certificateRequest",
        value: { csr: createCsr(keys, `${this.options.cluster}/${this.options.nodeName}`) },
      },
    });
  }

  private renewed(certificate: string, error: string): void {
    const keys = this.renewingKey;
    this.renewingKey = null;
    if (!keys) return;
    if (error || !certificate) {
      this.options.logger.warn({ reason: error }, "the hub refused to renew the node certificate");
      return;
    }
    const previous = this.tls.read("cert");
    this.tls.write("key", keys.privateKey);
    this.tls.write("cert", certificate);
    this.resetClient();
    const facts = certificateFacts(certificate);
    this.options.logger.info(
      { expiresAt: new Date(facts.notAfter).toISOString() },
      "node certificate renewed",
    );
    this.emit("certificateRenewed", {
      previousSerial: previous ? certificateFacts(previous).serial : null,
      serial: facts.serial,
    });
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private write(msg: AgentMessage): void {
    const call = this.call;
    if (call && !call.writableEnded && !call.destroyed) call.write(msg);
  }

  private endCall(): void {
    const call = this.call;
    if (!call) return;
    call.end();
    call.cancel();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepTimer = null;
        resolve();
      }, ms);
      this.sleepTimer = {
        timer,
        wake: () => {
          clearTimeout(timer);
          this.sleepTimer = null;
          resolve();
        },
      };
    });
  }
}
