/**
 * `node dist/scripts/bench/liveness.js [--nodes N] [--instances K]`: what the core pays, without
 * gRPC, for the three per-event paths issue 15 names, at fleet sizes a loopback swarm cannot reach
 * on a small machine (the hub's own code on a real SQLite file; the agents' network side is
 * bench:agents' job):
 * - joins: N nodes joined one after another; the last 1,000 joins' time against the first 1,000
 *   (flat when a join looks nodes up by index, growing when it scans them);
 * - liveness: one heartbeat from every node, then flush() — the rows and ms a batched write costs
 *   when nothing but the time changed; then one beat past the sample spacing;
 * - capacity after a status flip: a node turning notready -> ready (what a hub restart does to every
 *   node) followed by what the surfaces' quota hooks ask then (the cluster's and the default pool's
 *   capacity, core/capacity-totals.ts), against the baseline of summing every node each time (what
 *   OpenPAI's clusterTotal and ModelArts' poolCapacity did before), in the same run;
 * - reports: a K-instance workload placed on the nodes, then K "running" and K "succeeded" task
 *   reports, timed per report (constant when settling reads counts, growing with K when it reads
 *   the whole workload).
 * Defaults: 10,000 nodes, 1,000 instances. No thresholds.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { nodeCapacity } from "../../hub/core/capacity";
import { systemClock } from "../../hub/core/clock";
import { createCore } from "../../hub/core/index";
import type { NodeHardware } from "../../hub/core/model";
import { openSqliteStore } from "../../hub/store/sqlite-store";

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`liveness bench: ${name} must be an integer >= 1\n`);
    process.exit(2);
  }
  return n;
}

const hardware: NodeHardware = {
  cpu: { manufacturer: "Sim", brand: "Sim", cores: 64, physicalCores: 32, speedGhz: 3 },
  memory: { totalMiB: 262_144 },
  disks: [],
  nics: [],
  os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1", arch: "x64", hostname: "sim" },
  gpuAvailable: false,
  gpuError: null,
  driverVersion: null,
  cudaVersion: null,
  gpus: [],
};

const ms = (t0: number) => performance.now() - t0;
const f = (n: number, d = 2) => n.toFixed(d);

function main(): void {
  const nodes = flag("--nodes", 10_000);
  const instances = flag("--instances", 1_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-bench-"));
  const store = openSqliteStore(dir);
  // The hub's defaults (hub/config.ts): stored samples every 60 s.
  const core = createCore(store, systemClock, { downAfterMs: 300_000, metricsSampleMs: 60_000 });
  try {
    const ids: string[] = [];
    const joinMs: number[] = [];
    for (let i = 0; i < nodes; i++) {
      const t0 = performance.now();
      ids.push(core.nodes.join("bench", `sim-${String(i).padStart(5, "0")}`).node.id);
      joinMs.push(ms(t0));
    }
    const window = Math.min(1_000, Math.floor(nodes / 2));
    const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
    const firstJoins = sum(joinMs.slice(0, window));
    const lastJoins = sum(joinMs.slice(-window));
    for (const id of ids) {
      core.nodes.hello(id, {
        agentVersion: "bench",
        address: "10.0.0.1",
        labels: [],
        hardware,
        runtime: { name: "fake", available: true, error: null, version: "1" },
      });
      core.nodes.setStatus(id, "ready");
    }
    core.nodes.flush();
    // One beat from every node, as a 1 s fleet sends each second: what does the next flush write?
    for (const id of ids) core.nodes.touch(id);
    let t0 = performance.now();
    const beatRows = core.nodes.flush();
    const beatFlushMs = ms(t0);

    // Capacity after status flips: 1,000 nodes flip notready -> ready, each followed by the two
    // questions the surfaces' hooks ask; cached totals against summing every node. The cache is
    // filled once before (the steady state: it is filled again only when capacity changes).
    const flips = Math.min(1_000, ids.length);
    const defaultPool = core.nodePools.defaultPool().id;
    const flipAndAsk = (ask: () => void) => {
      const start = performance.now();
      for (let i = 0; i < flips; i++) {
        const id = ids[i] as string;
        core.nodes.setStatus(id, "notready");
        core.nodes.setStatus(id, "ready");
        ask();
      }
      return ms(start) / flips;
    };
    const askCached = () => {
      core.capacity.cluster();
      core.capacity.ofPool(defaultPool);
    };
    askCached();
    const cachedFlipMs = flipAndAsk(askCached);
    const summedFlipMs = flipAndAsk(() => {
      const pools = core.nodePools.list();
      let cpu = 0;
      for (const n of core.nodes.list()) cpu += nodeCapacity(n).cpuMilli;
      for (const n of core.nodes.list())
        if (core.nodePools.poolOf(n, pools).id === defaultPool) cpu += nodeCapacity(n).cpuMilli;
      if (cpu < 0) throw new Error("unreachable: keeps the sums from being optimised away");
    });
    core.nodes.flush();

    // Reports: one wide workload spread over the nodes.
    const { workload } = core.workloads.submit({
      name: "wide",
      owner: "bench",
      roles: [
        {
          name: "main",
          image: "bench",
          command: [],
          env: {},
          instances,
          resources: { cpuMilli: 100, memoryMiB: 64, gpu: 0 },
          ports: [],
          maxAttempts: 1,
        },
      ],
    });
    t0 = performance.now();
    core.placement.runOnce();
    const placeMs = ms(t0);
    const tasks = core.workloads.tasks(workload.id);
    const placed = tasks.filter((t) => t.nodeId !== null);
    const report = (state: "running" | "succeeded") => {
      const start = performance.now();
      for (const t of placed)
        core.lifecycle.applyReport(t.nodeId as string, {
          taskId: t.id,
          attempt: t.attempt,
          state,
          exitCode: state === "succeeded" ? 0 : null,
          containerId: `c-${t.id}`,
          ip: "172.17.0.2",
          ports: [],
          message: "",
          startedAt: null,
          finishedAt: null,
        });
      return ms(start) / Math.max(1, placed.length);
    };
    t0 = performance.now();
    const desiredNode = placed[0]?.nodeId as string;
    const desired = core.desired.forNode(desiredNode).length;
    const desiredMs = ms(t0);
    const runningMs = report("running");
    const succeededMs = report("succeeded");

    process.stdout.write(
      [
        "",
        `Corral core liveness/report costs: ${nodes} nodes, one ${instances}-instance workload, SQLite file, no gRPC;`,
        `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})`,
        "",
        `join: first ${window} joins                  ${f(firstJoins)} ms (${f((firstJoins / window) * 1000, 1)} µs each)`,
        `join: last ${window} joins (of ${nodes})        ${f(lastJoins)} ms (${f((lastJoins / window) * 1000, 1)} µs each)`,
        `flush after one beat from every node     ${beatRows} rows, ${f(beatFlushMs)} ms`,
        `status flip + capacity totals, per flip   ${f(cachedFlipMs * 1000, 1)} µs (baseline, every node summed: ${f(summedFlipMs * 1000, 1)} µs)`,
        `placement pass (${placed.length}/${instances} placed)            ${f(placeMs)} ms`,
        `task report -> running, per report       ${f(runningMs * 1000, 1)} µs`,
        `task report -> succeeded, per report     ${f(succeededMs * 1000, 1)} µs (workload ${core.workloads.find(workload.id)?.state})`,
        `desired set of one node (${desired} tasks)       ${f(desiredMs)} ms`,
        "",
      ].join("\n"),
    );
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
