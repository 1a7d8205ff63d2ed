/**
 * DockerRuntime against the real engine and the local busybox image. Skips (with a notice)
 * without Docker; fails instead in CI. Setup: bash scripts/build-test-image.sh
 */
import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import { DockerRuntime } from "../../agent/runtime/docker-runtime";
import type { TaskContainer } from "../../agent/runtime/runtime";
import { RuntimeError } from "../../agent/runtime/runtime";
import { removeNodeContainers, requireDocker, TEST_IMAGE, uniqueNodeId } from "../helpers/docker";
import { taskSpec } from "../helpers/task-spec";
import { waitFor } from "../helpers/wait";

const GPU = "GPU-b42dd28e-ffdd-8720-1df0-98bd8cdc05b1";

function isReason(reason: RuntimeError["reason"]) {
  return (err: unknown): boolean => err instanceof RuntimeError && err.reason === reason;
}

describe("DockerRuntime (real engine)", function () {
  this.timeout(60_000);
  let docker: Dockerode;
  let nodeId: string;
  let rt: DockerRuntime;
  let exits: TaskContainer[];
  const others: DockerRuntime[] = [];

  before(async function () {
    docker = await requireDocker(this);
  });

  beforeEach(() => {
    nodeId = uniqueNodeId();
    rt = new DockerRuntime({ nodeId, docker });
    exits = [];
    rt.onExit((c) => exits.push(c));
  });

  afterEach(async () => {
    await rt?.close();
    for (const o of others.splice(0)) await o.close();
    if (docker && nodeId) await removeNodeContainers(docker, nodeId);
  });

  const spec = (overrides: Parameters<typeof taskSpec>[0] = {}) =>
    taskSpec({ image: TEST_IMAGE, ...overrides });

  it("check() reports the engine version", async () => {
    const status = await rt.check();
    assert.equal(status.available, true, String(status.error));
    assert.match(String(status.version), /^\d+\./);
  });

  it("a task printing a line exits 0, reported once, and the line is in logs()", async () => {
    const c = await rt.start(
      spec({ command: ["sh", "-c", "echo oops >&2; sleep 0.2; echo hello-from-corral"] }),
    );
    const exit = await waitFor(() => exits.find((e) => e.containerId === c.containerId), "exit", 20_000);
    assert.equal(exit.state, "exited");
    assert.equal(exit.exitCode, 0);
    assert.ok(exit.finishedAt !== null && exit.startedAt !== null && exit.finishedAt >= exit.startedAt);
    const logs = await rt.logs(c.containerId, 0);
    assert.match(logs, /hello-from-corral\n/);
    assert.match(logs, /oops\n/);
    // stdout and stderr are separate pipes: only the sleep makes this line the last one.
    assert.equal(await rt.logs(c.containerId, 1), "hello-from-corral\n");
    await new Promise((r) => setTimeout(r, 200));
    await rt.list(); // listing an exited container must not report its exit again
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(exits.filter((e) => e.containerId === c.containerId).length, 1);
  });

  it("exit 3 reaches onExit with exitCode 3", async () => {
    const c = await rt.start(spec({ command: ["sh", "-c", "exit 3"] }));
    const exit = await waitFor(() => exits.find((e) => e.containerId === c.containerId), "exit", 20_000);
    assert.equal(exit.exitCode, 3);
    assert.equal((await rt.list()).find((x) => x.containerId === c.containerId)?.exitCode, 3);
  });

  it("stop() of a sleeping task with grace 1 leaves it exited; remove() removes it", async () => {
    const c = await rt.start(spec({ command: ["sleep", "300"] }));
    assert.equal(c.state, "running");
    assert.ok(c.ip, "a running container has an IP");
    const t0 = Date.now();
    await rt.stop(c.containerId, 1);
    assert.ok(Date.now() - t0 < 15_000);
    const [after] = await rt.list();
    assert.equal(after?.state, "exited");
    assert.equal(exits.length, 1, "the exit is reported by the time stop() resolves");
    await rt.stop(c.containerId, 1); // stopping an exited container is fine
    await rt.remove(c.containerId);
    await rt.remove(c.containerId); // unknown ids are ignored
    assert.deepEqual(await rt.list(), []);
    await assert.rejects(rt.logs(c.containerId, 0), isReason("not_found"));
  });

  it("a new instance (agent restart) recovers the running container; another node does not see it", async () => {
    const s = spec({ command: ["sleep", "300"], gpuUuids: [], attempt: 4, workloadId: "wl-r" });
    const c = await rt.start(s);
    await rt.close();

    const restarted = new DockerRuntime({ nodeId, docker });
    others.push(restarted);
    const seen: TaskContainer[] = [];
    restarted.onExit((x) => seen.push(x));
    const listed = await restarted.list();
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.containerId, c.containerId);
    assert.equal(listed[0]?.taskId, s.taskId);
    assert.equal(listed[0]?.attempt, 4);
    assert.equal(listed[0]?.workloadId, "wl-r");
    assert.equal(listed[0]?.state, "running");

    const stranger = new DockerRuntime({ nodeId: uniqueNodeId(), docker });
    others.push(stranger);
    assert.deepEqual(await stranger.list(), []);

    // Starting the same task+attempt again adopts the container.
    assert.equal((await restarted.start(s)).containerId, c.containerId);

    // The recovered container's exit reaches the new instance's listeners, once.
    await docker.getContainer(c.containerId).kill();
    const exit = await waitFor(() => seen[0], "recovered exit", 20_000);
    assert.equal(exit.exitCode, 137);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen.length, 1);
    assert.equal(exits.length, 0, "the closed instance no longer watches");
  });

  it("CPU-only: NVIDIA_VISIBLE_DEVICES=void, limits in HostConfig, labels, published ports", async () => {
    const c = await rt.start(
      spec({
        command: ["sleep", "300"],
        env: { GREETING: "hi" },
        cpuMilli: 250,
        memoryMiB: 32,
        ports: [
          { name: "http", containerPort: 8080, protocol: "tcp", hostPort: 0 },
          { name: "dns", containerPort: 5353, protocol: "udp", hostPort: 0 },
        ],
      }),
    );
    const info = await docker.getContainer(c.containerId).inspect();
    assert.ok(info.Config.Env.includes("NVIDIA_VISIBLE_DEVICES=void"));
    assert.ok(info.Config.Env.includes("GREETING=hi"));
    assert.equal(info.HostConfig.NanoCpus, 250_000_000);
    assert.equal(info.HostConfig.Memory, 32 * 1024 * 1024);
    assert.equal(info.HostConfig.DeviceRequests ?? null, null);
    assert.equal(info.Config.Labels["corral.node"], nodeId);
    assert.match(info.Name, /^\/corral-[0-9a-f]{8}-worker-0-[0-9a-f]{8}-a1$/);
    assert.equal(c.ports.length, 2);
    for (const p of c.ports) assert.ok(p.hostPort > 0, `engine picked a host port for ${p.name}`);
    assert.deepEqual(
      c.ports.map((p) => [p.name, p.containerPort, p.protocol]),
      [
        ["http", 8080, "tcp"],
        ["dns", 5353, "udp"],
      ],
    );
    const stats = await rt.stats(c.containerId);
    assert.ok(stats && stats.memoryUsedMiB >= 0 && stats.cpuPercent >= 0);
  });

  it("a GPU task fails to start here (no nvidia) but asked for its UUID by DeviceIDs, no Count", async () => {
    const s = spec({ command: ["true"], gpuUuids: [GPU] });
    await assert.rejects(rt.start(s), (err: unknown) => {
      assert.ok(err instanceof RuntimeError, String(err));
      assert.equal(err.reason, "start_failed");
      assert.match(err.message, /nvidia|device driver/i);
      return true;
    });
    const [left] = await rt.list();
    assert.ok(left, "the failed container stays for inspection");
    assert.equal(left.state, "exited");
    assert.deepEqual(left.gpuUuids, [GPU]);
    const info = await docker.getContainer(left.containerId).inspect();
    const requests = info.HostConfig.DeviceRequests ?? [];
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.Driver, "nvidia");
    assert.deepEqual(requests[0]?.DeviceIDs, [GPU]);
    assert.deepEqual(requests[0]?.Capabilities, [["gpu"]]);
    assert.ok(!requests[0]?.Count, "never Count");
    assert.ok(!info.Config.Env.some((e) => e.startsWith("NVIDIA_VISIBLE_DEVICES=")));
    assert.equal(exits.length, 0, "a failed start is the start() rejection, not an exit");
    // Starting the same attempt again (agent restarted mid-start) retries that container.
    await assert.rejects(rt.start(s), isReason("start_failed"));
    assert.equal((await rt.list()).length, 1);
  });

  it("a task killed for memory exits with message OOMKilled", async () => {
    // A shell variable of 200 MB cannot fit in a 16 MiB limit.
    const c = await rt.start(
      spec({
        memoryMiB: 16,
        command: ["sh", "-c", 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo ${#x}'],
      }),
    );
    const exit = await waitFor(() => exits.find((e) => e.containerId === c.containerId), "OOM exit", 40_000);
    assert.equal(exit.message, "OOMKilled");
    assert.equal(exit.exitCode, 137);
  });

  it("a missing image that cannot be pulled is image_unavailable, naming the image", async () => {
    const image = "corral-test/does-not-exist:never";
    await assert.rejects(rt.start(spec({ image })), (err: unknown) => {
      assert.ok(isReason("image_unavailable")(err), String(err));
      assert.match((err as Error).message, /corral-test\/does-not-exist:never/);
      return true;
    });
  });

  it("an unreachable engine: check() says why and start() is engine_unavailable", async () => {
    const socketPath = `/tmp/corral-no-such-docker-${process.pid}.sock`;
    const down = new DockerRuntime({ nodeId, socketPath });
    others.push(down);
    const status = await down.check();
    assert.equal(status.available, false);
    assert.equal(status.version, null);
    assert.match(String(status.error), new RegExp(`^Docker engine unreachable at ${socketPath}: .*ENOENT`));
    await assert.rejects(down.start(spec()), isReason("engine_unavailable"));
    await assert.rejects(down.list(), isReason("engine_unavailable"));
  });
});
