/**
 * The real runtime: Docker Engine through dockerode. Only containers labelled with this node's
 * id are listed or watched, so several agents (or test runs) can share one engine.
 */
import type Dockerode from "dockerode";
import { dockerExec } from "./docker-exec";
import { engineText, isAbort, isConflict, isEngineDown, isNotFound, isNotModified } from "./docker-errors";
import { demuxLogs, statsUsage } from "./docker-output";
import { checkHostPorts, DEFAULT_CONTAINER_POLICY, type ContainerPolicy } from "./container-policy";
import { createOptions } from "./docker-spec";
import { containerFromInspect, containerName, LABELS, readLabels, volumeLabels, volumeName } from "./labels";
import type { ExecOptions, ExecProcess, Runtime, RuntimeStatus, TaskContainer, TaskSpec } from "./runtime";
import { RuntimeError } from "./runtime";
import { loadDockerode } from "./dockerode-lean";

/** pino-compatible subset; fields use the project's names (nodeId, taskId, containerId). */
export interface RuntimeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DockerRuntimeOptions {
  /** This agent's node id: written to `corral.node` and used to filter every list. */
  nodeId: string;
  /** An engine client to use; built from `socketPath` when absent. */
  docker?: Dockerode;
  /** Engine socket. @default "/var/run/docker.sock" */
  socketPath?: string;
  /** @default no logging */
  logger?: RuntimeLogger;
  /** Longest an image pull may take, in ms. @default 600_000 */
  pullTimeoutMs?: number;
  /** Longest check() waits for the engine's answer, in ms. @default 5_000 */
  checkTimeoutMs?: number;
  /** What every task container is held to (container-policy.ts). @default DEFAULT_CONTAINER_POLICY */
  policy?: ContainerPolicy;
}

const DEFAULT_SOCKET = "/var/run/docker.sock";
const SILENT: RuntimeLogger = { info() {}, warn() {}, error() {} };

/** A running container being waited on; `done` settles once its exit has been reported. */
interface Watch {
  abort: AbortController;
  done: Promise<void>;
}

export class DockerRuntime implements Runtime {
  readonly name = "docker";
  private readonly nodeId: string;
  private readonly docker: Dockerode;
  private readonly socketPath: string;
  private readonly logger: RuntimeLogger;
  private readonly pullTimeoutMs: number;
  private readonly checkTimeoutMs: number;
  private readonly policy: ContainerPolicy;
  private readonly listeners: Array<(container: TaskContainer) => void> = [];
  private readonly watches = new Map<string, Watch>();
  /** container id -> FinishedAt of the exit already reported: each exit is reported once. */
  private readonly reported = new Map<string, number | null>();
  private closed = false;

  constructor(opts: DockerRuntimeOptions) {
    this.nodeId = opts.nodeId;
    this.socketPath = opts.socketPath ?? DEFAULT_SOCKET;
    this.docker = opts.docker ?? new (loadDockerode())({ socketPath: this.socketPath });
    this.logger = opts.logger ?? SILENT;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 600_000;
    this.checkTimeoutMs = opts.checkTimeoutMs ?? 5_000;
    this.policy = opts.policy ?? DEFAULT_CONTAINER_POLICY;
  }

  async check(): Promise<RuntimeStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.checkTimeoutMs} ms`)),
        this.checkTimeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([this.docker.ping(), timeout]);
      const version = await Promise.race([this.docker.version(), timeout]);
      return { name: this.name, available: true, error: null, version: version.Version ?? null };
    } catch (err) {
      const error = `Docker engine unreachable at ${this.socketPath}: ${engineText(err)}`;
      return { name: this.name, available: false, error, version: null };
    } finally {
      clearTimeout(timer);
    }
  }

  async list(): Promise<TaskContainer[]> {
    const summaries = await this.docker
      .listContainers({ all: true, filters: { label: [`${LABELS.node}=${this.nodeId}`] } })
      .catch((err: unknown) => {
        throw this.wrap(err, "list containers", "engine_unavailable");
      });
    const out: TaskContainer[] = [];
    for (const summary of summaries) {
      const container = await this.inspect(summary.Id);
      if (!container) continue; // removed between list and inspect
      out.push(container);
      // Re-attach to work that survived an agent restart, so its exit still reaches onExit.
      if (container.state === "running") this.watch(container.containerId);
    }
    return out;
  }

  async start(spec: TaskSpec): Promise<TaskContainer> {
    checkHostPorts(spec, this.policy);
    await this.ensureImage(spec.image, spec.registryAuth);
    const name = containerName(this.nodeId, spec);
    let found = await this.existing(name, spec);
    if (found && found.startedAt !== null) {
      // Same task and attempt already ran here (agent restarted mid-start): adopt it.
      if (found.state === "running" || found.state === "exited") this.watch(found.containerId);
      return found;
    }
    if (!found) {
      await this.ensureVolumes(spec);
      try {
        await this.docker.createContainer(createOptions(this.nodeId, spec, this.policy));
      } catch (err) {
        // 409: a concurrent start created it first; adopt that one.
        if (!isConflict(err)) throw this.wrap(err, `Could not create container ${name}`, "create_failed");
      }
      found = await this.existing(name, spec);
      if (!found) throw new RuntimeError(`Container ${name} vanished right after create`, "create_failed");
    }
    const id = found.containerId;
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      // The created container stays for inspection; the reconciler removes it later.
      if (!isNotModified(err)) throw this.wrap(err, `Container ${name} failed to start`, "start_failed");
    }
    this.logger.info({ nodeId: this.nodeId, taskId: spec.taskId, containerId: id }, "container started");
    this.watch(id);
    const started = await this.inspect(id);
    if (!started) throw new RuntimeError(`Container ${name} vanished right after start`, "not_found");
    return started;
  }

  async stop(containerId: string, graceSec: number): Promise<void> {
    try {
      await this.docker.getContainer(containerId).stop({ t: Math.max(0, Math.round(graceSec)) });
    } catch (err) {
      // 304: already stopped, which is what the caller wants.
      if (!isNotModified(err)) {
        throw this.wrap(err, `Could not stop container ${containerId}`, "engine_unavailable");
      }
    }
    // The engine answers once the container is down; also let our watcher report the exit first.
    await this.watches.get(containerId)?.done;
  }

  /** Force-removes the container. An exit not yet reported when remove() is called is dropped:
   * the caller has chosen to forget the container. */
  async remove(containerId: string): Promise<void> {
    this.watches.get(containerId)?.abort.abort();
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (err) {
      // 404: already gone; 409: a removal is already in progress.
      if (!isNotFound(err) && !isConflict(err)) {
        throw this.wrap(err, `Could not remove container ${containerId}`, "engine_unavailable");
      }
    }
    this.reported.delete(containerId);
  }

  async logs(containerId: string, tailLines: number): Promise<string> {
    try {
      const options = tailLines > 0 ? { tail: tailLines } : {};
      const raw: unknown = await this.docker
        .getContainer(containerId)
        .logs({ stdout: true, stderr: true, follow: false, ...options });
      return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
    } catch (err) {
      throw this.wrap(err, `Could not read logs of container ${containerId}`, "engine_unavailable");
    }
  }

  async commit(containerId: string, reference: string): Promise<string> {
    const colon = reference.lastIndexOf(":");
    const slash = reference.lastIndexOf("/");
    const [repo, tag] =
      colon > slash ? [reference.slice(0, colon), reference.slice(colon + 1)] : [reference, "latest"];
    try {
      const res = (await this.docker.getContainer(containerId).commit({ repo, tag, pause: true })) as {
        Id?: string;
      };
      return res.Id ?? "";
    } catch (err) {
      throw this.wrap(err, `Could not save container ${containerId} as ${reference}`, "engine_unavailable");
    }
  }

  onExit(listener: (container: TaskContainer) => void): void {
    this.listeners.push(listener);
  }

  async stats(containerId: string): Promise<{ cpuPercent: number; memoryUsedMiB: number } | null> {
    try {
      return statsUsage(await this.docker.getContainer(containerId).stats({ stream: false }));
    } catch {
      return null; // best effort: a container that just exited has no stats
    }
  }

  exec(containerId: string, options: ExecOptions): Promise<ExecProcess> {
    return dockerExec(this.docker, containerId, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.watches.values()];
    for (const w of pending) w.abort.abort();
    await Promise.all(pending.map((w) => w.done));
  }

  /** Present locally, else pulled; any pull failure is image_unavailable naming the image. */
  private async ensureImage(image: string, auth?: TaskSpec["registryAuth"]): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (err) {
      if (!isNotFound(err)) throw this.wrap(err, `Could not inspect image ${image}`, "image_unavailable");
    }
    this.logger.info({ nodeId: this.nodeId, image }, "pulling image");
    try {
      const stream = await this.docker.pull(image, {
        abortSignal: AbortSignal.timeout(this.pullTimeoutMs),
        // The engine's X-Registry-Auth: credentials for this pull only, never logged.
        ...(auth
          ? {
              authconfig: {
                username: auth.username,
                password: auth.password,
                serveraddress: auth.serverAddress,
              },
            }
          : {}),
      });
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err, output: Array<{ error?: string }>) => {
          const failed = output.find((o) => typeof o.error === "string");
          if (err) reject(err);
          else if (failed) reject(new Error(failed.error));
          else resolve();
        });
      });
    } catch (err) {
      if (isEngineDown(err)) throw this.wrap(err, `Could not pull image ${image}`, "engine_unavailable");
      const why = isAbort(err) ? `no result within ${this.pullTimeoutMs} ms` : engineText(err);
      throw new RuntimeError(
        `Image ${image} is not present and could not be pulled: ${why}`,
        "image_unavailable",
        {
          cause: err,
        },
      );
    }
  }

  /**
   * Makes the task's named volumes, labelled as ours, unless the engine has them already (an
   * earlier attempt made them). remove() never takes them away: only anonymous volumes go with
   * a container.
   */
  private async ensureVolumes(spec: TaskSpec): Promise<void> {
    for (const v of spec.volumes ?? []) {
      const name = volumeName(spec.taskId, v.name);
      try {
        await this.docker.getVolume(name).inspect();
        continue;
      } catch (err) {
        if (!isNotFound(err)) throw this.wrap(err, `Could not inspect volume ${name}`, "create_failed");
      }
      try {
        await this.docker.createVolume({ Name: name, Labels: volumeLabels(this.nodeId, spec, v.name) });
        this.logger.info({ nodeId: this.nodeId, taskId: spec.taskId, volume: name }, "volume created");
      } catch (err) {
        throw this.wrap(err, `Could not create volume ${name}`, "create_failed");
      }
    }
  }

  /** Our container named `name` for this task+attempt; null when none; throws when the name is
   * taken by something else. */
  private async existing(name: string, spec: TaskSpec): Promise<TaskContainer | null> {
    const info = await this.inspectInfo(name);
    if (!info) return null;
    const owner = readLabels(info.Config.Labels);
    if (owner?.nodeId !== this.nodeId || owner.taskId !== spec.taskId || owner.attempt !== spec.attempt) {
      throw new RuntimeError(
        `Container name ${name} is taken by another container (${info.Id})`,
        "create_failed",
      );
    }
    return containerFromInspect(info);
  }

  /** TaskContainer for an id or name; null when there is no such container (or it is not ours). */
  private async inspect(idOrName: string): Promise<TaskContainer | null> {
    const info = await this.inspectInfo(idOrName);
    return info ? containerFromInspect(info) : null;
  }

  private async inspectInfo(idOrName: string): Promise<Dockerode.ContainerInspectInfo | null> {
    try {
      return await this.docker.getContainer(idOrName).inspect();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.wrap(err, `Could not inspect container ${idOrName}`, "engine_unavailable");
    }
  }

  /** Waits (one request per container) for a running container to stop, then reports the exit. */
  private watch(containerId: string): void {
    if (this.closed || this.watches.has(containerId)) return;
    const abort = new AbortController();
    const done = this.waitForExit(containerId, abort.signal).finally(() => {
      if (this.watches.get(containerId)?.abort === abort) this.watches.delete(containerId);
    });
    this.watches.set(containerId, { abort, done });
  }

  private async waitForExit(containerId: string, signal: AbortSignal): Promise<void> {
    const log = { nodeId: this.nodeId, containerId };
    try {
      await this.docker.getContainer(containerId).wait({ condition: "not-running", abortSignal: signal });
      if (signal.aborted) return;
      const exited = await this.inspect(containerId);
      if (signal.aborted || !exited || exited.state !== "exited") return;
      if (this.reported.has(containerId) && this.reported.get(containerId) === exited.finishedAt) return;
      this.reported.set(containerId, exited.finishedAt);
      for (const listener of [...this.listeners]) {
        try {
          listener(exited);
        } catch (err) {
          this.logger.error({ ...log, err }, "onExit listener threw");
        }
      }
    } catch (err) {
      // Aborted by close()/remove(), or the engine went away: the next list() re-attaches.
      if (!signal.aborted && !isAbort(err)) this.logger.warn({ ...log, err }, "lost track of container");
    }
  }

  private wrap(err: unknown, what: string, fallback: RuntimeError["reason"]): RuntimeError {
    if (err instanceof RuntimeError) return err;
    if (isEngineDown(err)) {
      return new RuntimeError(
        `Docker engine unreachable at ${this.socketPath}: ${engineText(err)}`,
        "engine_unavailable",
        {
          cause: err,
        },
      );
    }
    const reason = isNotFound(err) && fallback === "engine_unavailable" ? "not_found" : fallback;
    return new RuntimeError(`${what}: ${engineText(err)}`, reason, { cause: err });
  }
}
