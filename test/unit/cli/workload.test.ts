import assert from "node:assert/strict";
import { Harness, ttyTyping } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN, workload } from "./fixtures";

const ID = workload().id;

describe("corral workload", () => {
  let hub: StubHub;
  let h: Harness;

  beforeEach(async () => {
    hub = await new StubHub().start();
    hub.on("POST", "/workloads", { status: 201, json: workload({ state: "pending" }) });
    hub.on("GET", "/workloads/9d2e", { json: workload() });
    hub.on("GET", `/workloads/${ID}`, { json: workload() });
    h = new Harness();
    h.env.CORRAL_HUB_URL = hub.url;
    h.env.CORRAL_TOKEN = TOKEN;
  });

  afterEach(async () => {
    await hub.stop();
    h.cleanup();
  });

  it("run builds the exact submit body, command after --", async () => {
    const r = await h.run([
      "workload", "run", "--name", "train", "--image", "pytorch:24.01",
      "--instances", "3", "--cpu", "500m", "--memory", "2Gi", "--gpu", "1",
      "--env", "A=1", "--env", "URL=x=y", "--port", "http:8080", "--port", "dns:53/udp",
      "--node-selector", "gpu", "--node-selector", "zone=a", "--cluster", "edge",
      "--", "python", "train.py", "--epochs", "3",
    ]); // prettier-ignore
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/workloads").body, {
      name: "train",
      image: "pytorch:24.01",
      command: ["python", "train.py", "--epochs", "3"],
      env: { A: "1", URL: "x=y" },
      instances: 3,
      resources: { cpuMilli: 500, memoryMiB: 2048, gpu: 1 },
      ports: [
        { name: "http", containerPort: 8080, protocol: "tcp" },
        { name: "dns", containerPort: 53, protocol: "udp" },
      ],
      nodeSelector: ["gpu", "zone=a"],
      cluster: "edge",
    });
    assert.equal(r.stdout, `${ID}  hello  pending\n`);
  });

  it("run sends whole cores as millicores and leaves out what was not given", async () => {
    const r = await h.run(["workload", "run", "--name", "n", "--image", "busybox", "--cpu", "2"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/workloads").body, {
      name: "n",
      image: "busybox",
      resources: { cpuMilli: 2000 },
    });
  });

  it("run --interactive sends the kind, named volumes and the lease in seconds", async () => {
    const r = await h.run([
      "workload", "run", "--name", "nb", "--image", "jupyter", "--interactive",
      "--volume", "work:/home/work", "--volume", "data:/data", "--lease", "8h",
    ]); // prettier-ignore
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", "/workloads").body, {
      name: "nb",
      image: "jupyter",
      kind: "interactive",
      volumes: [
        { name: "work", mountPath: "/home/work" },
        { name: "data", mountPath: "/data" },
      ],
      leaseSec: 28_800,
    });
    const bad = await h.run(["workload", "run", "--name", "n", "--image", "i", "--volume", "work"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad volume "work"/);
  });

  it("run with a bad quantity or without --image is a usage error and sends nothing", async () => {
    const bad = await h.run(["workload", "run", "--name", "n", "--image", "i", "--memory", "2GB"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^Error: bad memory "2GB": use Mi, Gi or Ti/m);
    const missing = await h.run(["workload", "run", "--name", "n"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--image <image>'/);
    assert.equal(hub.requests.length, 0);
  });

  it("run shows the hub's validation error with its field and exits 1", async () => {
    hub.on("POST", "/workloads", {
      status: 400,
      json: { code: "invalid_argument", message: "must be at most 64", field: "resources.gpu" },
    });
    const r = await h.run(["workload", "run", "--name", "n", "--image", "i", "--gpu", "99"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: must be at most 64 (field: resources.gpu)\n");
  });

  it("run --wait polls until a final state and exits 1 when the workload failed", async () => {
    let polls = 0;
    hub.on("GET", `/workloads/${ID}`, () => ({
      json: workload({ state: ++polls < 2 ? "running" : "failed" }),
    }));
    const r = await h.run(["workload", "run", "--name", "n", "--image", "i", "--wait"]);
    assert.equal(r.code, 1);
    assert.equal(polls, 2);
    assert.match(r.stderr, /pending .*\n.*running .*\n.*failed/);
    assert.match(r.stderr, /Error: workload 9d2e7f10 failed/);
  });

  it("list prints ID(8) NAME STATE TASKS AGE and passes --state", async () => {
    hub.on("GET", "/workloads", { json: { items: [workload()] } });
    const r = await h.run(["workload", "list", "--state", "running"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "ID        NAME   STATE    TASKS  AGE\n9d2e7f10  hello  running  1/2    5m\n");
    assert.equal(hub.only("GET", "/workloads").query.get("state"), "running");
  });

  it("show accepts a prefix and prints the tasks table; --json is the API JSON", async () => {
    const r = await h.run(["workload", "show", "9d2e"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Resources:\s+cpu 500m, memory 256Mi, gpu 1$/m);
    assert.match(r.stdout, /^Command:\s+sh -c 'echo hi'$/m);
    assert.match(r.stdout, /^INDEX\s+STATE\s+NODE\s+EXIT\s+CONTAINER\s+GPUS\s+REASON$/m);
    assert.match(r.stdout, /^0\s+running\s+gpu-01\s+-\s+0123456789ab\s+GPU-cccc\s+-$/m);
    assert.match(r.stdout, /^1\s+pending\s+-\s+-\s+-\s+-\s+no node has a free GPU$/m);
    const json = await h.run(["workload", "show", "9d2e", "--json"]);
    assert.deepEqual(JSON.parse(json.stdout), workload());
  });

  it("show lists an interactive workload's volumes and lease", async () => {
    const lease = { durationSec: 3600, expiresAt: "2026-01-01T10:00:00.000Z" };
    hub.on("GET", "/workloads/9d2e", {
      json: { ...workload(), volumes: [{ name: "work", mountPath: "/w" }], lease },
    });
    const r = await h.run(["workload", "show", "9d2e"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Volumes: +work:\/w$/m);
    assert.match(r.stdout, /^Lease: +3600s per start, stops at 2026-01-01T10:00:00.000Z$/m);
  });

  it("show of an unknown workload exits 3", async () => {
    const r = await h.run(["workload", "show", "ffff"]);
    assert.equal(r.code, 3);
  });

  it("logs resolves the prefix, then fetches the task's text with --tail", async () => {
    hub.on("GET", `/workloads/${ID}/tasks/1/logs`, { text: "line1\nline2" });
    const r = await h.run(["workload", "logs", "9d2e", "--task", "1", "--tail", "2"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "line1\nline2\n");
    assert.equal(hub.only("GET", `/workloads/${ID}/tasks/1/logs`).query.get("tail"), "2");
  });

  it("logs maps the hub's 502 agent_unavailable to exit 1", async () => {
    hub.on("GET", `/workloads/${ID}/tasks/0/logs`, {
      status: 502,
      json: { code: "agent_unavailable", message: "node gpu-01 is not connected" },
    });
    const r = await h.run(["workload", "logs", "9d2e"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: node gpu-01 is not connected\n");
  });

  it("stop without --yes off a terminal exits 2 and stops nothing", async () => {
    const r = await h.run(["workload", "stop", "9d2e"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass --yes/);
    assert.equal(hub.requests.length, 0);
  });

  it("stop --yes posts to the full id", async () => {
    hub.on("POST", `/workloads/${ID}/stop`, { status: 202, json: workload({ state: "stopping" }) });
    const r = await h.run(["workload", "stop", "9d2e", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    hub.only("POST", `/workloads/${ID}/stop`);
    assert.equal(r.stdout, `Workload ${ID} stopping\n`);
  });

  it("start posts to the full id, with --lease in seconds", async () => {
    hub.on("POST", `/workloads/${ID}/start`, { status: 202, json: workload({ state: "pending" }) });
    const r = await h.run(["workload", "start", "9d2e", "--lease", "1h30m"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hub.only("POST", `/workloads/${ID}/start`).body, { leaseSec: 5400 });
    assert.equal(r.stdout, `Workload ${ID} pending\n`);
  });

  it("start refuses a lease without a unit before sending anything (exit 2)", async () => {
    const r = await h.run(["workload", "start", "9d2e", "--lease", "90"]);
    assert.equal(r.code, 2);
    assert.equal(hub.requests.length, 0);
  });

  it("stop on a terminal asks and goes ahead on y", async () => {
    hub.on("POST", `/workloads/${ID}/stop`, { status: 202, json: workload({ state: "stopping" }) });
    const r = await h.run(["workload", "stop", "9d2e"], ttyTyping("y\r"));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Stop workload 9d2e7f10 \(hello, running\)\? \[y\/N\]/);
    hub.only("POST", `/workloads/${ID}/stop`);
  });
});
