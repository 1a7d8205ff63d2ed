/**
 * In-memory runtime for tests and `CORRAL_RUNTIME=fake` simulations, after Nomad's mock driver:
 * each task is scripted through its own env, so a workload definition says how its fake
 * containers behave. Containers outlive close(), like Docker containers outlive the agent: an
 * agent "restart" that reuses the same FakeRuntime recovers them with list().
 *
 * Env knobs read from TaskSpec.env (each overrides the constructor's `defaults`):
 * - FAKE_RUN_FOR_MS: how long the container runs, ms. -1 = until stopped. @default -1, so a fake
 *   node behaves like one running services; batch simulations set a duration (0 = exits at once,
 *   still after start() has returned).
 * - FAKE_EXIT_CODE: exit code when the run ends by itself. @default 0
 * - FAKE_START_ERROR: start() rejects with RuntimeError start_failed and this text; the container
 *   stays listed as exited (code 128), as Docker leaves a container that failed to start.
 * - FAKE_LOG: what logs() returns. @default "fake task <taskId> attempt <n>\n"
 * - FAKE_CPU_PERCENT / FAKE_MEMORY_MIB: what stats() reports while running (percent of one core,
 *   MiB). @default 0. setUsage() overrides them for every container (autoscaling tests).
 *
 * Named volumes (TaskSpec.volumes) are made on first start, as DockerRuntime makes them, and
 * outlive the containers: volumes() lists them.
 */
import { createHash } from "node:crypto";
import { volumeLabels, volumeName } from "./labels";
import type {
  ExecOptions,
  ExecProcess,
  PortBinding,
  Runtime,
  RuntimeStatus,
  TaskContainer,
  TaskSpec,
} from "./runtime";
import { RuntimeError } from "./runtime";
import { localExec } from "./local-exec";

/** Behaviour of a fake container; TaskSpec.env FAKE_* values override these per task. */
export interface FakeBehaviour {
  /** ms; -1 runs until stopped. @default -1 */
  runForMs?: number;
  /** @default 0 */
  exitCode?: number;
  /** When set, start() fails with this text. @default none */
  startError?: string;
  /** logs() text. @default "fake task <taskId> attempt <n>\n" */
  log?: string;
  /** Exit code of a container stopped by stop(), as if it honoured SIGTERM. @default 143 */
  stopExitCode?: number;
}

export interface FakeRuntimeOptions {
  nodeId: string;
  defaults?: FakeBehaviour;
  /** @default true */
  available?: boolean;
  /** check()'s error while unavailable. @default "fake runtime unavailable" */
  unavailableReason?: string;
}

/** Exit code Docker reports for a container that could not start. */
const START_FAILED_EXIT_CODE = 128;
/** First fake host port handed out for PortSpec.hostPort 0; counts up, deterministic per instance. */
const FIRST_FAKE_HOST_PORT = 32768;

interface FakeContainer {
  container: TaskContainer;
  log: string;
  usage: { cpuPercent: number; memoryUsedMiB: number };
  timer: NodeJS.Timeout | null;
}

export class FakeRuntime implements Runtime {
  readonly name = "fake";
  private readonly nodeId: string;
  private readonly defaults: FakeBehaviour;
  private available: boolean;
  private unavailableReason: string;
  private readonly byId = new Map<string, FakeContainer>();
  private readonly listeners: Array<(container: TaskContainer) => void> = [];
  private nextId = 1;
  private nextHostPort = FIRST_FAKE_HOST_PORT;
  private usageOverride: { cpuPercent: number; memoryUsedMiB: number } | null = null;
  /** Docker volume name -> its labels; never removed, like a named Docker volume. */
  private readonly volumeSet = new Map<string, Record<string, string>>();

  constructor(opts: FakeRuntimeOptions) {
    this.nodeId = opts.nodeId;
    this.defaults = opts.defaults ?? {};
    this.available = opts.available ?? true;
    this.unavailableReason = opts.unavailableReason ?? "fake runtime unavailable";
  }

  check(): Promise<RuntimeStatus> {
    return Promise.resolve({
      name: this.name,
      available: this.available,
      error: this.available ? null : this.unavailableReason,
      version: this.available ? "fake-1" : null,
    });
  }

  async list(): Promise<TaskContainer[]> {
    this.requireAvailable();
    return this.containers();
  }

  async start(spec: TaskSpec): Promise<TaskContainer> {
    this.requireAvailable();
    // Same task and attempt already here (agent restarted mid-start): adopt it, as Docker does.
    const same = [...this.byId.values()].find(
      (f) => f.container.taskId === spec.taskId && f.container.attempt === spec.attempt,
    );
    if (same && same.container.startedAt !== null) return { ...same.container };
    // One that failed to start is tried again, as DockerRuntime starts its created container again.
    if (same) this.byId.delete(same.container.containerId);

    for (const v of spec.volumes ?? []) {
      const name = volumeName(spec.taskId, v.name);
      if (!this.volumeSet.has(name)) this.volumeSet.set(name, volumeLabels(this.nodeId, spec, v.name));
    }
    const behaviour = this.behaviourOf(spec);
    const now = Date.now();
    const containerId = `fake-${this.nodeId.slice(0, 8)}-${String(this.nextId++).padStart(6, "0")}`;
    const fake: FakeContainer = {
      container: {
        taskId: spec.taskId,
        attempt: spec.attempt,
        workloadId: spec.workloadId,
        containerId,
        state: "running",
        exitCode: null,
        ip: "127.0.0.1",
        ports: spec.ports.map((p): PortBinding => ({
          name: p.name,
          containerPort: p.containerPort,
          protocol: p.protocol,
          hostPort: p.hostPort > 0 ? p.hostPort : this.nextHostPort++,
        })),
        gpuUuids: [...spec.gpuUuids],
        startedAt: now,
        finishedAt: null,
        message: null,
      },
      log: behaviour.log ?? `fake task ${spec.taskId} attempt ${spec.attempt}\n`,
      usage: {
        cpuPercent: num(spec, "FAKE_CPU_PERCENT") ?? 0,
        memoryUsedMiB: num(spec, "FAKE_MEMORY_MIB") ?? 0,
      },
      timer: null,
    };
    this.byId.set(containerId, fake);

    if (behaviour.startError !== undefined) {
      Object.assign(fake.container, {
        state: "exited",
        exitCode: START_FAILED_EXIT_CODE,
        ip: null,
        startedAt: null,
        finishedAt: now,
        message: behaviour.startError,
      });
      throw new RuntimeError(
        `Container for task ${spec.taskId} failed to start: ${behaviour.startError}`,
        "start_failed",
      );
    }
    const runForMs = behaviour.runForMs ?? -1;
    if (runForMs >= 0) {
      const exitCode = behaviour.exitCode ?? 0;
      fake.timer = setTimeout(() => this.exit(fake, exitCode, null), runForMs);
      fake.timer.unref();
    }
    return { ...fake.container };
  }

  async stop(containerId: string, _graceSec: number): Promise<void> {
    const fake = this.find(containerId);
    if (fake.container.state !== "exited") this.exit(fake, this.defaults.stopExitCode ?? 143, null);
  }

  async remove(containerId: string): Promise<void> {
    const fake = this.byId.get(containerId);
    if (!fake) return;
    if (fake.timer) clearTimeout(fake.timer);
    this.byId.delete(containerId);
  }

  async logs(containerId: string, tailLines: number): Promise<string> {
    const log = this.find(containerId).log;
    if (tailLines <= 0) return log;
    const lines = log.split(/(?<=\n)/);
    return lines.slice(-tailLines).join("");
  }

  /** Images made by commit(), by reference. */
  readonly committed = new Map<string, string>();

  async commit(containerId: string, reference: string): Promise<string> {
    const f = this.byId.get(containerId);
    if (!f) throw new RuntimeError(`No such container: ${containerId}`, "not_found");
    const id = `sha256:${createHash("sha256").update(`${containerId}/${reference}`).digest("hex")}`;
    this.committed.set(reference, id);
    return id;
  }

  onExit(listener: (container: TaskContainer) => void): void {
    this.listeners.push(listener);
  }

  async stats(containerId: string): Promise<{ cpuPercent: number; memoryUsedMiB: number } | null> {
    const fake = this.byId.get(containerId);
    if (fake?.container.state !== "running") return null;
    return this.usageOverride ? { ...this.usageOverride } : { ...fake.usage };
  }

  /** Scripts what stats() reports for every running container; null goes back to FAKE_* env. */
  setUsage(usage: { cpuPercent: number; memoryUsedMiB: number } | null): void {
    this.usageOverride = usage;
  }

  /** Forgets the listeners (the agent that registered them is going away). Containers keep
   * running, as Docker's do when the agent stops. */
  /**
   * Runs the command as a local process (a fake container has no filesystem of its own); no TTY:
   * with `tty` its output still comes on stdout and stderr as a pipe would give it.
   */
  async exec(containerId: string, options: ExecOptions): Promise<ExecProcess> {
    if (this.find(containerId).container.state !== "running")
      throw new RuntimeError(`container ${containerId} is not running`, "not_found");
    return localExec(options);
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
  }

  // ---- test helpers ----

  /** Snapshot of every container of this runtime, oldest first. */
  containers(): TaskContainer[] {
    return [...this.byId.values()].map((f) => ({
      ...f.container,
      ports: f.container.ports.map((p) => ({ ...p })),
      gpuUuids: [...f.container.gpuUuids],
    }));
  }

  /** Named volumes made on this runtime, in the order they were made. */
  volumes(): { name: string; labels: Record<string, string> }[] {
    return [...this.volumeSet].map(([name, labels]) => ({ name, labels: { ...labels } }));
  }

  /** Makes the newest running container of `taskId` exit now with `exitCode`. */
  crash(taskId: string, exitCode: number, message = "crashed"): TaskContainer {
    const running = [...this.byId.values()].filter(
      (f) => f.container.taskId === taskId && f.container.state === "running",
    );
    const fake = running[running.length - 1];
    if (!fake) throw new Error(`FakeRuntime: no running container for task ${taskId}`);
    this.exit(fake, exitCode, message);
    return { ...fake.container };
  }

  /** Simulates the engine going away (or coming back). */
  setAvailable(available: boolean, reason?: string): void {
    this.available = available;
    if (reason !== undefined) this.unavailableReason = reason;
  }

  private exit(fake: FakeContainer, exitCode: number, message: string | null): void {
    if (fake.container.state === "exited") return; // exactly one exit per container
    if (fake.timer) clearTimeout(fake.timer);
    fake.timer = null;
    Object.assign(fake.container, { state: "exited", exitCode, ip: null, finishedAt: Date.now(), message });
    for (const listener of [...this.listeners]) listener({ ...fake.container });
  }

  private find(containerId: string): FakeContainer {
    const fake = this.byId.get(containerId);
    if (!fake) throw new RuntimeError(`No such container: ${containerId}`, "not_found");
    return fake;
  }

  private requireAvailable(): void {
    if (!this.available) throw new RuntimeError(this.unavailableReason, "engine_unavailable");
  }

  /** Constructor defaults, overridden by the task's FAKE_* env. Bad numbers are ignored. */
  private behaviourOf(spec: TaskSpec): FakeBehaviour {
    const num = (key: string): number | undefined => {
      const raw = spec.env[key];
      const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
      return Number.isFinite(n) ? n : undefined;
    };
    return {
      runForMs: num("FAKE_RUN_FOR_MS") ?? this.defaults.runForMs,
      exitCode: num("FAKE_EXIT_CODE") ?? this.defaults.exitCode,
      startError: spec.env["FAKE_START_ERROR"] ?? this.defaults.startError,
      log: spec.env["FAKE_LOG"] ?? this.defaults.log,
    };
  }
}

/** A finite number from the task's env, or undefined. */
function num(spec: TaskSpec, key: string): number | undefined {
  const raw = spec.env[key];
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
