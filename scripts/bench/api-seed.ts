/**
 * The fleet `npm run bench:api` reads from: nodes joined through core (join + Hello + ready, no
 * agent process: the reads measured never reach an agent) and workloads submitted through core
 * and through OpenPAI's own POST /api/v2/jobs, then placed by the hub's scheduler so that nodes
 * carry allocations. Nothing is written with raw SQL.
 */
import type { Core } from "../../hub/core";
import type { GpuDevice, NodeHardware } from "../../hub/core/model";

/** GPUs per simulated node; every GPU_EVERY-th workload asks for one. */
const GPUS_PER_NODE = 4;
const GPU_EVERY = 4;
/** Owners the workloads are spread over (submit checks the owner's live tasks, O(their workloads)). */
const OWNERS = 1000;

const gpus = (node: number): GpuDevice[] =>
  Array.from({ length: GPUS_PER_NODE }, (_, i) => ({
    uuid: `GPU-${node.toString(16).padStart(8, "0")}-0000-0000-0000-00000000000${i}`,
    index: i,
    name: "NVIDIA Simulated 80GB",
    memoryMiB: 81920,
    pciBusId: `00000000:0${i}:00.0`,
    computeCap: "9.0",
    migEnabled: false,
    parentUuid: null,
    migProfile: null,
    migIndex: null,
  }));

/** A realistic inventory (what a Hello carries): 16 cores, 64 GiB, 4 GPUs, two disks, two NICs. */
function hardware(node: number, name: string): NodeHardware {
  return {
    cpu: {
      manufacturer: "Simulated",
      brand: "Simulated CPU @ 3.0GHz",
      cores: 16,
      physicalCores: 8,
      speedGhz: 3,
    },
    memory: { totalMiB: 65536 },
    disks: [
      { name: "/dev/nvme0n1", mount: "/", fsType: "ext4", sizeMiB: 953_869, usedMiB: 120_000 },
      { name: "/dev/nvme1n1", mount: "/data", fsType: "xfs", sizeMiB: 3_815_447, usedMiB: 1_000_000 },
    ],
    nics: [
      {
        name: "eth0",
        mac: "02:00:00:00:00:01",
        addresses: [`10.0.${node >> 8}.${node & 255}`],
        speedMbps: 25_000,
        virtual: false,
      },
      {
        name: "docker0",
        mac: "02:42:00:00:00:01",
        addresses: ["172.17.0.1"],
        speedMbps: 10_000,
        virtual: true,
      },
    ],
    os: {
      platform: "linux",
      distro: "Debian GNU/Linux",
      release: "12",
      kernel: "6.1.0-28-amd64",
      arch: "x64",
      hostname: name,
    },
    gpuAvailable: true,
    gpuError: null,
    driverVersion: "550.127.05",
    cudaVersion: "12.4",
    gpus: gpus(node),
  };
}

/** `count` ready nodes in cluster `default`, as an agent's join + Hello would leave them. */
export function seedNodes(core: Core, count: number): void {
  for (let i = 0; i < count; i++) {
    const name = `node-${String(i).padStart(5, "0")}`;
    const { node } = core.nodes.join("default", name);
    core.nodes.hello(node.id, {
      agentVersion: "0.1.0",
      address: `10.0.${i >> 8}.${i & 255}`,
      labels: [`zone=z${i % 4}`, "gpu"],
      hardware: hardware(i, name),
      runtime: { name: "docker", available: true, version: "27.3.1", error: null },
    });
    core.nodes.setStatus(node.id, "ready");
  }
}

/** `count` one-task workloads through core (500 millicores, 1 GiB; every 4th with a GPU). */
export function seedWorkloads(core: Core, count: number): void {
  for (let i = 0; i < count; i++) {
    core.workloads.submit({
      name: `bench-${i}`,
      owner: `user-${i % OWNERS}`,
      roles: [
        {
          name: "main",
          image: "corral-test/busybox:1",
          command: ["sleep", "3600"],
          env: { BENCH: String(i) },
          instances: 1,
          resources: { cpuMilli: 500, memoryMiB: 1024, gpu: i % GPU_EVERY === 0 ? 1 : 0 },
          ports: [],
          maxAttempts: 1,
        },
      ],
    });
  }
}

/** An OpenPAI v2 job as its users submit it (YAML), 1 CPU, 1 GiB. */
export const paiJob = (name: string): string => `protocolVersion: 2
name: ${name}
type: job
prerequisites:
  - {type: dockerimage, name: img, uri: corral-test/busybox:1}
taskRoles:
  main:
    instances: 1
    dockerImage: img
    resourcePerInstance: {cpu: 1, memoryMB: 1024, gpu: 0}
    commands: [sleep 3600]
defaults: {virtualCluster: default}
`;

/** `count` jobs through OpenPAI's POST /api/v2/jobs, `parallel` at a time. */
export async function seedPaiJobs(
  httpUrl: string,
  token: string,
  count: number,
  parallel = 8,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        // A kept-alive connection the server closes as it is reused resets: send again (409: it
        // arrived the first time).
        const res = await fetch(`${httpUrl}/api/v2/jobs`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "text/yaml" },
          body: paiJob(`pai-${i}`),
        }).catch((err: unknown) => {
          if (attempt >= 3) throw err;
          return null;
        });
        if (!res) continue;
        const text = await res.text();
        if (res.status === 202 || (res.status === 409 && attempt > 1)) break;
        throw new Error(`OpenPAI submit ${i}: ${res.status} ${text}`);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
