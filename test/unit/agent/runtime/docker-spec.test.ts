import assert from "node:assert/strict";
import { demuxLogs } from "../../../../agent/runtime/docker-output";
import {
  checkHostPorts,
  DEFAULT_CONTAINER_POLICY,
  DEFAULT_PIDS_LIMIT,
  parsePortRanges,
} from "../../../../agent/runtime/container-policy";
import type { RuntimeError } from "../../../../agent/runtime/runtime";
import { createOptions } from "../../../../agent/runtime/docker-spec";
import { containerName, readLabels, taskLabels, volumeName } from "../../../../agent/runtime/labels";
import { taskSpec } from "../../../helpers/task-spec";

/** Docker's rule for container names. */
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("Docker create options (no engine)", () => {
  it("container names are valid Docker names built from node, name, task and attempt", () => {
    const name = containerName("0123456789abcdef", {
      name: "train/Worker 0 ✓",
      taskId: "fedcba9876543210",
      attempt: 3,
    });
    assert.equal(name, "corral-01234567-train-Worker-0-fedcba98-a3");
    assert.match(name, DOCKER_NAME);
    assert.match(containerName("-_-", { name: "..", taskId: "@@", attempt: 1 }), DOCKER_NAME);
  });

  it("mounts named volumes per task (type volume), the same for every attempt", () => {
    const spec = taskSpec({ taskId: "t-1234", volumes: [{ name: "work", mountPath: "/home/work" }] });
    const mounts = createOptions("node", spec).HostConfig?.Mounts;
    assert.deepEqual(mounts, [{ Type: "volume", Source: "corral-t-1234-work", Target: "/home/work" }]);
    assert.deepEqual(createOptions("node", { ...spec, attempt: 2 }).HostConfig?.Mounts, mounts);
    assert.equal(createOptions("node", taskSpec()).HostConfig?.Mounts, undefined, "none without volumes");
    assert.match(volumeName("fedcba98-7654", "data.v_1"), DOCKER_NAME);
  });

  it("binds host paths as they are (type bind, read-only as asked), beside named volumes", () => {
    const spec = taskSpec({
      taskId: "t-5678",
      volumes: [{ name: "work", mountPath: "/work" }],
      hostPaths: [
        { hostPath: "/srv/data", mountPath: "/data", readOnly: false },
        { hostPath: "/usr/bin", mountPath: "/host/usr/bin", readOnly: true },
      ],
    });
    assert.deepEqual(createOptions("node", spec).HostConfig?.Mounts, [
      { Type: "volume", Source: "corral-t-5678-work", Target: "/work" },
      { Type: "bind", Source: "/srv/data", Target: "/data", ReadOnly: false },
      { Type: "bind", Source: "/usr/bin", Target: "/host/usr/bin", ReadOnly: true },
    ]);
  });

  it("labels round-trip through readLabels", () => {
    const spec = taskSpec({
      taskId: "t-1",
      attempt: 2,
      workloadId: "wl-9",
      gpuUuids: ["GPU-a", "MIG-b"],
      ports: [{ name: "http", containerPort: 8080, protocol: "tcp", hostPort: 0 }],
    });
    const labels = taskLabels("node-1", spec);
    assert.equal(labels["corral.gpus"], "GPU-a,MIG-b");
    assert.deepEqual(readLabels(labels), {
      nodeId: "node-1",
      taskId: "t-1",
      attempt: 2,
      workloadId: "wl-9",
      gpuUuids: ["GPU-a", "MIG-b"],
      ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
    });
    assert.equal(readLabels({ "com.example": "x" }), null);
    assert.deepEqual(readLabels({ ...labels, "corral.ports": "{broken" })?.ports, []);
  });

  it("GPU tasks ask for their UUIDs by DeviceIDs, never Count", () => {
    const opts = createOptions(
      "n",
      taskSpec({ gpuUuids: ["GPU-1"], env: { NVIDIA_VISIBLE_DEVICES: "all" } }),
    );
    assert.deepEqual(opts.HostConfig?.DeviceRequests, [
      { Driver: "nvidia", DeviceIDs: ["GPU-1"], Capabilities: [["gpu"]] },
    ]);
    assert.ok(!("Count" in (opts.HostConfig?.DeviceRequests?.[0] ?? {})));
    // A task cannot widen its GPU set through env.
    assert.ok(!opts.Env?.some((e) => e.startsWith("NVIDIA_VISIBLE_DEVICES=")));
  });

  it("CPU-only tasks get NVIDIA_VISIBLE_DEVICES=void, limits and ports", () => {
    const opts = createOptions(
      "n",
      taskSpec({
        command: ["echo", "hi"],
        env: { A: "1", NVIDIA_VISIBLE_DEVICES: "all" },
        cpuMilli: 500,
        memoryMiB: 64,
        ports: [
          { name: "http", containerPort: 80, protocol: "tcp", hostPort: 0 },
          { name: "dns", containerPort: 53, protocol: "udp", hostPort: 5353 },
        ],
      }),
    );
    assert.deepEqual(opts.Env, ["A=1", "NVIDIA_VISIBLE_DEVICES=void"]);
    assert.deepEqual(opts.Cmd, ["echo", "hi"]);
    assert.equal(opts.HostConfig?.NanoCpus, 500_000_000);
    assert.equal(opts.HostConfig?.Memory, 64 * 1024 * 1024);
    assert.equal(opts.HostConfig?.DeviceRequests, undefined);
    assert.deepEqual(opts.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
    // Published on the policy's bind address (DEFAULT_CONTAINER_POLICY: every address).
    assert.deepEqual(opts.HostConfig?.PortBindings, {
      "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "" }],
      "53/udp": [{ HostIp: "0.0.0.0", HostPort: "5353" }],
    });
  });

  it("hardens every container: no-new-privileges, a pids limit, never privileged, no added capabilities", () => {
    const opts = createOptions("n", taskSpec());
    assert.deepEqual(opts.HostConfig?.SecurityOpt, ["no-new-privileges:true"]);
    assert.equal(opts.HostConfig?.PidsLimit, DEFAULT_PIDS_LIMIT);
    assert.equal(opts.HostConfig?.Privileged, false);
    assert.equal(opts.HostConfig?.CapAdd, undefined);
    const custom = createOptions(
      "n",
      taskSpec({ ports: [{ name: "http", containerPort: 80, protocol: "tcp", hostPort: 8080 }] }),
      { pidsLimit: 0, portBindAddress: "127.0.0.1", deniedHostPorts: [] },
    );
    assert.equal(custom.HostConfig?.PidsLimit, undefined, "0: the engine's default");
    assert.deepEqual(custom.HostConfig?.PortBindings, {
      "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
    });
  });

  it("refuses host ports in the denied ranges (default: below 1024 and the hub's 9080-9081)", () => {
    const spec = (hostPort: number) =>
      taskSpec({ ports: [{ name: "web", containerPort: 80, protocol: "tcp", hostPort }] });
    for (const port of [22, 80, 1023, 9080, 9081]) {
      assert.throws(
        () => checkHostPorts(spec(port), DEFAULT_CONTAINER_POLICY),
        (err: RuntimeError) => err.reason === "create_failed" && err.message.includes(`host port ${port} `),
      );
    }
    for (const port of [0, 1024, 8080, 9082]) checkHostPorts(spec(port), DEFAULT_CONTAINER_POLICY);
    const policy = { ...DEFAULT_CONTAINER_POLICY, deniedHostPorts: parsePortRanges("8000-8999, 7000") };
    assert.throws(() => checkHostPorts(spec(8080), policy), /CORRAL_DENIED_HOST_PORTS/);
    assert.throws(() => checkHostPorts(spec(7000), policy));
    checkHostPorts(spec(80), policy);
    assert.throws(() => parsePortRanges("9-1"), /not a port or a range/);
    assert.throws(() => parsePortRanges("70000"), /not a port or a range/);
  });

  it("no command, no limits: image default command and no limit fields", () => {
    const opts = createOptions("n", taskSpec());
    assert.equal(opts.Cmd, undefined);
    assert.equal(opts.HostConfig?.NanoCpus, undefined);
    assert.equal(opts.HostConfig?.Memory, undefined);
  });

  it("demuxLogs joins stdout and stderr frames in order; unframed text passes through", () => {
    const buf = Buffer.concat([frame(1, "out 1\n"), frame(2, "err 1\n"), frame(1, "out 2\n")]);
    assert.equal(demuxLogs(buf), "out 1\nerr 1\nout 2\n");
    assert.equal(demuxLogs(Buffer.from("plain tty output\n")), "plain tty output\n");
    assert.equal(demuxLogs(Buffer.alloc(0)), "");
  });
});
