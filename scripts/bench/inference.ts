/**
 * Inference gateway benchmark (ModelArts real-time services). One hub (startHub, SQLite in a temp
 * dir, loopback ports) and one agent. With a reachable Docker engine and the test image
 * (corral-test/busybox:1) the agent runs real containers (DockerRuntime) of a busybox httpd model
 * image; otherwise (or with --fake) FakeRuntime, whose containers have the address 127.0.0.1, and a
 * local HTTP server standing in for the model's container, as tunnel.ts does. It deploys a
 * 2-instance real-time service and, in one run, loads with autocannon (keep-alive connections,
 * small answers):
 *   - the service's access_address (IAM token, weighted pick, tunnel through the agent, counted);
 *   - one container directly (its bridge address, or the stand-in).
 * Prints requests/s and p50/p99 latency (ms) of each, the median of --rounds rounds that load
 * both paths back to back (default 3, after one unmeasured warm-up round each).
 *
 * Usage: npm run bench:inference [-- --connections 10 --seconds 5 --rounds 3 --fake]
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import Dockerode from "dockerode";
import pino from "pino";
import { startAgent } from "../../agent/agent";
import { DockerRuntime } from "../../agent/runtime/docker-runtime";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { Runtime } from "../../agent/runtime/runtime";
import { startHub } from "../../hub/hub";
import { BENCH_JOIN_TOKEN, benchHubConfig } from "./bench-hub";
import { simulatedHardware } from "./fake-hardware";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

function modelStandIn(): Promise<{ server: http.Server; port: number }> {
  const answer = JSON.stringify({ predictions: [[0.1, 0.9]] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })),
  );
}

interface Row {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
): Promise<Row> {
  const r = await autocannon({ url, connections, duration: seconds, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const TEST_IMAGE = "corral-test/busybox:1";
const SERVE_IMAGE = "corral-bench/serve:1";
/** sh stays PID 1 with a TERM trap, so the containers stop at once. */
const SERVE_CMD =
  "mkdir -p /www && echo '{\"predictions\":[[0.1,0.9]]}' > /www/predict && httpd -f -p 8080 -h /www & trap 'kill $!; exit 0' TERM; wait";

/** A Docker engine with the test image, and the serving image made from it; null when there is none. */
async function dockerServing(): Promise<Dockerode | null> {
  if (process.argv.includes("--fake")) return null;
  const docker = new Dockerode({ socketPath: process.env["DOCKER_SOCKET"] ?? "/var/run/docker.sock" });
  try {
    await docker.ping();
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    return null;
  }
  const base = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ["true"] });
  const [repo, tag] = SERVE_IMAGE.split(":") as [string, string];
  await base.commit({ repo, tag, changes: [`CMD ["sh", "-c", ${JSON.stringify(SERVE_CMD)}]`] });
  await base.remove({ force: true });
  return docker;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const connections = arg("connections", 10);
  const seconds = arg("seconds", 5);
  const rounds = arg("rounds", 3);
  const logger = pino({ level: "warn" });
  const { config, dir } = benchHubConfig("inference");
  const hub = await startHub(config, { logger });
  const docker = await dockerServing();
  const nodeKey = `bench-inference-${process.pid}`;
  const runtime: Runtime = docker
    ? new DockerRuntime({ nodeId: nodeKey, docker })
    : new FakeRuntime({ nodeId: "bench-node" });
  const agent = startAgent({
    hub: hub.grpcAddress,
    cluster: "default",
    nodeName: "bench-node",
    labels: [],
    joinToken: BENCH_JOIN_TOKEN,
    dataDir: null,
    keepExitedMs: 60_000,
    runtime,
    hardware: simulatedHardware({ hostname: "bench-node" }),
    logger,
  });
  await agent.welcomed();
  const { server, port } = docker ? { server: null, port: 8080 } : await modelStandIn();
  const core = hub.core;
  const token = core.auth.issue(core.users.get("admin"), "login", 3600).token;
  const project = core.installation.id;
  const ma = async (method: string, p: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${hub.httpUrl}${p}`, {
      method,
      headers: { "x-auth-token": token, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  // The model's image counts as found in the catalog (no registry in the bench).
  const reference = docker ? SERVE_IMAGE : "bench/model:1";
  const image = core.images.register({ reference, owner: "admin", meta: { modelarts: {} } });
  core.images.setStatus(image, "present", "bench");
  const model = await ma("POST", `/v1/${project}/models`, {
    model_name: "bench",
    model_version: "1.0.0",
    source_location: reference,
    model_type: "Image",
    port,
    health: { url: docker ? "/predict" : "/health" },
  });
  for (let i = 0; i < 200; i++) {
    if ((await ma("GET", `/v1/${project}/models/${String(model.model_id)}`)).model_status === "published")
      break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const deployed = await ma("POST", `/v1/${project}/services`, {
    service_name: "bench",
    infer_type: "real-time",
    config: [
      {
        model_id: model.model_id,
        weight: 100,
        instance_count: 2,
        specification: "custom",
        custom_spec: { cpu: 0.5, memory: 256 },
      },
    ],
  });
  let address = "";
  for (let i = 0; i < 500; i++) {
    hub.scheduleNow();
    const s = await ma("GET", `/v1/${project}/services/${String(deployed.service_id)}`);
    if (s.status === "running") {
      address = String(s.access_address);
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!address) throw new Error("the service did not reach running");
  // Direct: one container (its bridge address), or the stand-in.
  let direct = `http://127.0.0.1:${port}/predict`;
  if (docker) {
    const [one] = await docker.listContainers({ filters: { label: [`corral.node=${nodeKey}`] } });
    const ip = Object.values((await docker.getContainer(one!.Id).inspect()).NetworkSettings.Networks)[0]
      ?.IPAddress;
    direct = `http://${ip}:8080/predict`;
    for (
      let i = 0;
      i < 100 && !(await fetch(`${address}/predict`, { headers: { "x-auth-token": token } })).ok;
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
  }

  const paths = [
    ["access_address (2 instances)", `${address}/predict`, { "x-auth-token": token }],
    ["direct (one container)", direct, {}],
  ] as const;
  for (const [, url, headers] of paths) await load(url, headers, connections, 1);
  const runs: Row[][] = paths.map(() => []);
  for (let r = 0; r < rounds; r++)
    for (const [i, [, url, headers]] of paths.entries())
      runs[i]!.push(await load(url, headers, connections, seconds));
  console.log(
    `inference bench (${docker ? "Docker containers" : "FakeRuntime + stand-in server"}): ${connections} keep-alive connections, ${seconds} s per run, median of ${rounds} rounds`,
  );
  console.log("path                            req/s      p50 ms   p99 ms   errors");
  for (const [i, [name]] of paths.entries()) {
    const rs = runs[i]!;
    console.log(
      `${name.padEnd(30)} ${median(rs.map((x) => x.rps))
        .toFixed(0)
        .padStart(7)} ${median(rs.map((x) => x.p50))
        .toFixed(2)
        .padStart(8)} ${median(rs.map((x) => x.p99))
        .toFixed(2)
        .padStart(8)} ${String(rs.reduce((a, x) => a + x.errors, 0)).padStart(8)}`,
    );
  }
  const s = await ma("GET", `/v1/${project}/services/${String(deployed.service_id)}`);
  console.log(`invocation_times after the run: ${String(s.invocation_times)}`);
  server?.close();
  await ma("DELETE", `/v1/${project}/services/${String(deployed.service_id)}`);
  await agent.stop();
  await hub.close();
  if (docker) {
    for (const c of await docker.listContainers({
      all: true,
      filters: { label: [`corral.node=${nodeKey}`] },
    }))
      await docker.getContainer(c.Id).remove({ force: true });
    await docker
      .getImage(SERVE_IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
