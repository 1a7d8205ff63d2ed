// corral workload run: submits a workload (POST /workloads). Quantities are given as people write
// them (500m, 2Gi) and sent in canonical units (cpuMilli, memoryMiB). The container command follows `--`.
import type { Command } from "commander";
import type { PortSpec, WorkloadJson, WorkloadSubmit } from "../../api-types";
import { FINAL_WORKLOAD_STATES } from "../../api-types";
import { seg } from "../../client";
import type { HubClient } from "../../client";
import type { CliContext } from "../../context";
import { examples } from "../../context";
import { CliError } from "../../errors";
import { printJson, shortId } from "../../output";
import type { VolumeSpec } from "../../api-types";
import {
  collect,
  parseCpu,
  parseDuration,
  parseEnvPair,
  parseIntIn,
  parseMemory,
  parsePort,
  parseVolume,
} from "../../parse";

interface RunOptions {
  name: string;
  image: string;
  instances?: number;
  /** Millicores. */
  cpu?: number;
  /** MiB. */
  memory?: number;
  gpu?: number;
  env?: [string, string][];
  port?: PortSpec[];
  nodeSelector?: string[];
  cluster?: string;
  wait?: boolean;
  interactive?: boolean;
  volume?: VolumeSpec[];
  /** Seconds. */
  lease?: number;
}

export function register(topic: Command, ctx: CliContext): void {
  const cmd = topic
    .command("run")
    .description("submit a workload: N instances of one container image")
    .argument("[command...]", "command and arguments for the container, after --; default: the image's")
    .requiredOption("--name <name>", "workload name")
    .requiredOption("--image <image>", "container image, e.g. busybox or nvcr.io/nvidia/pytorch:24.01-py3")
    .option("--instances <n>", "number of tasks, 1-1000 (default: 1)", (v: string) =>
      parseIntIn(v, "--instances", 1, 1000),
    )
    .option("--cpu <cpu>", "CPU per task: cores (2, 0.5) or millicores (500m); default: no limit", parseCpu)
    .option("--memory <mem>", "memory per task: 512Mi, 2Gi, 1Ti; default: no limit", parseMemory)
    .option("--gpu <n>", "GPUs per task (a MIG slice counts as one); default: 0", (v: string) =>
      parseIntIn(v, "--gpu", 0, 1024),
    )
    .option("--env <KEY=VALUE>", "environment variable, repeatable", collect(parseEnvPair))
    .option(
      "--port <name:PORT[/udp]>",
      "container port to expose, repeatable (tcp unless /udp)",
      collect(parsePort),
    )
    .option(
      "--node-selector <label>",
      "only nodes with this label, repeatable (all must match)",
      collect(String),
    )
    .option("--cluster <name>", "only nodes of this cluster")
    .option(
      "--interactive",
      "an interactive workload: it can be stopped and started again (corral workload start)",
    )
    .option(
      "--volume <name:/path>",
      "named volume of each task, kept on its node across stop and start; repeatable",
      collect(parseVolume),
    )
    .option(
      "--lease <duration>",
      "interactive: stop by itself this long after each start (e.g. 8h)",
      parseDuration,
    )
    .option("--wait", "wait until the workload finishes; exit 1 if it failed")
    .option("--json", "print the hub's JSON for the workload")
    .action(async (command: string[], opts: RunOptions, self: Command) => {
      const client = await ctx.client(self);
      let workload = await client.post<WorkloadJson>("/workloads", buildSubmitBody(opts, command));
      ctx.note(`Submitted workload ${workload.name} (${workload.id})`);
      if (opts.wait) workload = await waitForEnd(ctx, client, workload);
      if (ctx.json(self)) printJson(ctx.out, workload);
      else ctx.out.write(`${workload.id}  ${workload.name}  ${workload.state}\n`);
      if (opts.wait && workload.state === "failed") {
        throw new CliError(
          `workload ${shortId(workload.id)} failed: see corral workload show ${shortId(workload.id)}`,
        );
      }
    });
  examples(cmd, [
    "corral workload run --name hello --image busybox -- sh -c 'echo hi'",
    "corral workload run --name train --image pytorch:24.01 --gpu 2 --cpu 8 --memory 32Gi --env EPOCHS=10 --node-selector a100 -- python train.py",
    "corral workload run --name web --image nginx --instances 3 --cpu 500m --memory 256Mi --port http:80",
    "corral workload run --name nb --image jupyter/base-notebook --interactive --volume work:/home/jovyan/work --lease 8h",
  ]);
}

/** The POST /workloads body: only what was given, so the hub's defaults apply to the rest. */
export function buildSubmitBody(opts: RunOptions, command: readonly string[]): WorkloadSubmit {
  const body: WorkloadSubmit = { name: opts.name, image: opts.image };
  if (command.length > 0) body.command = [...command];
  if (opts.env) body.env = Object.fromEntries(opts.env); // a repeated key: the last one wins
  if (opts.instances !== undefined) body.instances = opts.instances;
  const resources: NonNullable<WorkloadSubmit["resources"]> = {};
  if (opts.cpu !== undefined) resources.cpuMilli = opts.cpu;
  if (opts.memory !== undefined) resources.memoryMiB = opts.memory;
  if (opts.gpu !== undefined) resources.gpu = opts.gpu;
  if (Object.keys(resources).length > 0) body.resources = resources;
  if (opts.port) body.ports = opts.port;
  if (opts.nodeSelector) body.nodeSelector = opts.nodeSelector;
  if (opts.cluster !== undefined) body.cluster = opts.cluster;
  if (opts.interactive) body.kind = "interactive";
  if (opts.volume) body.volumes = opts.volume;
  if (opts.lease !== undefined) body.leaseSec = opts.lease;
  return body;
}

/** Polls the workload until it reaches a final state, telling stderr about each state change. */
async function waitForEnd(ctx: CliContext, client: HubClient, first: WorkloadJson): Promise<WorkloadJson> {
  let w = first;
  let last = "";
  for (;;) {
    const summary = `${w.state} (${w.tasks.filter((t) => t.state === "running").length}/${w.tasks.length} tasks running)`;
    if (summary !== last) ctx.note(`  ${summary}`);
    last = summary;
    if (FINAL_WORKLOAD_STATES.includes(w.state)) return w;
    await new Promise((r) => setTimeout(r, ctx.io.pollIntervalMs));
    w = await client.get<WorkloadJson>(`/workloads/${seg(w.id)}`);
  }
}
