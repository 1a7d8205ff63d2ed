/**
 * End to end on the OTE-stack surface: the built hub and agents, a real OCI registry
 * (Debian's docker-registry on loopback) and real Docker. An image is pushed to the registry,
 * deployed as a daemonset to labelled nodes, follows a new label, is upgraded, rolled back and
 * deleted, with `docker ps` checked at each step. Skips without Docker or the registry binary,
 * except in CI.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { OteClient } from "../helpers/otestack-client";
import { BuiltProcess, startBuiltHub } from "../helpers/processes";
import { requireRegistry, type TestRegistry } from "../helpers/registry";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-ote-join-token-0123456789";
const PASSWORD = "E2e-admin-password1";
const NODES = ["edge1", "edge2", "edge3"];

describe("e2e: OTE-stack daemonset from a real registry on real Docker", function () {
  this.timeout(180_000);
  let docker: Dockerode;
  let registry: TestRegistry;
  let dir: string;
  let hub: BuiltProcess;
  let admin: OteClient;
  let alice: OteClient;
  const agents: BuiltProcess[] = [];
  const cluster = `ote-e2e-${process.pid}`;
  let image = "";

  /** Image of each running container of this test, by node name. */
  const running = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const name of NODES) {
      const list = await docker.listContainers({
        filters: { label: [`corral.node=${identityNodeKey(cluster, name)}`] },
      });
      for (const c of list) if (c.State === "running") out.set(name, c.Image);
    }
    return out;
  };
  const expectRunning = (want: Record<string, string>, what: string) =>
    waitFor(
      async () => {
        const got = await running();
        return JSON.stringify(Object.fromEntries([...got].sort())) === JSON.stringify(want) ? got : null;
      },
      what,
      90_000,
      250,
    );

  before(async function () {
    docker = await requireDocker(this);
    registry = await requireRegistry(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-ote-e2e-"));
    image = `${registry.host}/edge/busybox`;
    for (const tag of ["1.0", "1.1"]) {
      execFileSync("docker", ["tag", TEST_IMAGE, `${image}:${tag}`]);
      execFileSync("docker", ["push", "-q", `${image}:${tag}`]);
      // Agents must pull it from the registry, not find it locally.
      execFileSync("docker", ["rmi", `${image}:${tag}`]);
    }
    const started = await startBuiltHub(path.join(dir, "hub"), {
      CORRAL_ADMIN_PASSWORD: PASSWORD,
      CORRAL_BOOTSTRAP_JOIN_TOKEN: JOIN,
      CORRAL_HEARTBEAT_INTERVAL_MS: "500",
      CORRAL_REGISTRY_URL: registry.url,
    });
    hub = started.process;
    for (const name of NODES) {
      agents.push(
        BuiltProcess.start("corral-agent", [], {
          CORRAL_HUB: started.grpcAddress,
          CORRAL_JOIN_TOKEN: JOIN,
          CORRAL_CLUSTER: cluster,
          CORRAL_NODE_NAME: name,
          CORRAL_AGENT_DATA_DIR: path.join(dir, `agent-${name}`),
          CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
        }),
      );
    }
    admin = new OteClient(started.httpUrl);
    alice = new OteClient(admin.baseUrl);
    await admin.login("admin", PASSWORD);
    await waitFor(
      async () =>
        (await admin.call("GET", `/v1/node?clusterName=${cluster}`)).body.meta?.readyNodeCount === 3,
      "3 ready nodes",
      30_000,
    );
  });

  after(async () => {
    for (const a of agents) await a.stop();
    await hub?.stop();
    if (docker) for (const name of NODES) await removeNodeContainers(docker, identityNodeKey(cluster, name));
    await registry?.stop();
  });

  it("register -> approve -> login; business -> approve; labels", async () => {
    assert.equal(
      (await alice.call("POST", "/v1/user", { username: "alice", password: "Secret123" })).status,
      200,
    );
    assert.equal((await admin.call("PUT", "/v1/admin/user/alice/status", { status: 1 })).status, 200);
    await alice.login("alice", "Secret123");
    const biz = await alice.call<{ id: number }>("POST", "/v1/business", { name: "edge-vision" });
    const ok = await admin.call<{ namespace: string }>("PUT", `/v1/business/id/${biz.body.data?.id}`, {
      status: 1,
    });
    assert.equal(ok.body.data?.namespace, `ns${biz.body.data?.id}`);
    assert.equal(
      (await admin.call("POST", "/v1/cluster/label", { clusterName: cluster, labels: ["guangzhou"] })).status,
      200,
    );
    for (const n of ["edge1", "edge2"])
      assert.equal(
        (
          await admin.call("POST", "/v1/node/label", {
            clusterName: cluster,
            nodeName: n,
            labels: ["camera"],
          })
        ).status,
        200,
      );
  });

  it("lists the pushed image and its tags from the registry", async () => {
    const images = await admin.call<{ imageName: string; tagCount: number }[]>(
      "GET",
      "/v1/repository/image?projectName=edge&pageSize=0",
    );
    assert.equal(images.status, 200, JSON.stringify(images.body));
    assert.deepEqual(
      images.body.data?.map((i) => [i.imageName, i.tagCount]),
      [["edge/busybox", 2]],
    );
    const tags = await admin.call<{ tag: string; digest: string }[]>(
      "GET",
      "/v1/repository/image/tag?imageName=edge/busybox",
    );
    assert.deepEqual(tags.body.data?.map((t) => t.tag).sort(), ["1.0", "1.1"]);
    assert.ok(tags.body.data?.every((t) => t.digest.startsWith("sha256:")));
    assert.deepEqual(
      (await admin.call<{ projectName: string }[]>("GET", "/v1/repository/project")).body.data?.map(
        (p) => p.projectName,
      ),
      ["edge"],
    );
  });

  it("deploys a daemonset to the labelled nodes, follows a new label, upgrades, rolls back and deletes", async () => {
    const ns = ((await alice.call<{ namespaces: string[] }>("GET", "/v1/authorization")).body.data
      ?.namespaces ?? [])[0];
    for (const tag of ["1.0", "1.1"]) {
      const app = await alice.call("POST", "/v1/app", {
        appName: "cam",
        version: "1.0",
        namespace: ns,
        deployType: "daemonset",
        image: `${image}:${tag}`,
        command: ["sleep", "3600"],
        cpu: 100,
        memory: 64,
        minReadySeconds: 1,
      });
      assert.equal(app.status, 200, JSON.stringify(app.body));
    }
    const dep = await admin.call("POST", "/v1/deploy", {
      deployName: "cam",
      appName: "cam",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
      nodeLabel: "camera",
    });
    assert.equal(dep.status, 200, JSON.stringify(dep.body));
    await expectRunning({ edge1: `${image}:1.0`, edge2: `${image}:1.0` }, "containers on edge1 and edge2");

    await admin.call("POST", "/v1/node/label", {
      clusterName: cluster,
      nodeName: "edge3",
      labels: ["camera"],
    });
    const all = (tag: string) => Object.fromEntries(NODES.map((n) => [n, `${image}:${tag}`]));
    await expectRunning(all("1.0"), "edge3 gets one");

    const status5 = () =>
      waitFor(
        async () => (await admin.call<{ status: number }>("GET", "/v1/deploy/cam")).body.data?.status === 5,
        "deployment running (status 5)",
        30_000,
        200,
      );
    await status5();
    assert.equal((await admin.call("PUT", "/v1/deploy/cam/upgrade", { version: "1.0.1" })).status, 200);
    await expectRunning(all("1.1"), "upgraded to the 1.1 image everywhere");
    await status5();
    assert.equal((await admin.call("PUT", "/v1/deploy/cam/rollback", { version: "1.0.0" })).status, 200);
    await expectRunning(all("1.0"), "rolled back to 1.0");
    await status5();
    const d = await admin.call<{ errorMessage: string }>("GET", "/v1/deploy/cam");
    await waitFor(
      async () =>
        JSON.parse(
          (await admin.call<{ errorMessage: string }>("GET", "/v1/deploy/cam")).body.data?.errorMessage ??
            "{}",
        ).running === 3,
      "errorMessage running 3",
    );
    assert.ok(d.body.data?.errorMessage);

    assert.equal((await admin.call("DELETE", "/v1/deploy/cam")).status, 200);
    await expectRunning({}, "every container gone");
  });

  it("binds an app's documented host-path volumes into its container (read-write and read-only)", async () => {
    const ns = ((await alice.call<{ namespaces: string[] }>("GET", "/v1/authorization")).body.data
      ?.namespaces ?? [])[0];
    const hostIn = path.join(dir, "vol-in");
    const hostOut = path.join(dir, "vol-out");
    fs.mkdirSync(hostIn);
    fs.mkdirSync(hostOut);
    fs.writeFileSync(path.join(hostIn, "in.txt"), "from the host\n");
    // The document's POST /v1/app body: `volume` entries of {path, hostPath, readOnly}.
    const app = await alice.call("POST", "/v1/app", {
      appName: "vol",
      deployType: "deployment",
      image: `${image}:1.0`,
      version: "1.0",
      replicas: 1,
      port: [],
      command:
        "trap 'exit 0' TERM; cat /in/in.txt > /out/seen.txt; (echo x > /in/nope) 2>/dev/null || echo refused > /out/ro.txt; sleep 3600 & wait",
      volume: [
        { path: "/in", hostPath: hostIn, readOnly: true },
        { path: "/out", hostPath: hostOut, readOnly: false },
      ],
      env: [],
      minReplicas: 1,
      maxReplicas: 1,
      minCPU: 10,
      maxCPU: 100,
      isHPA: false,
      targetCPUUtilization: 80,
      targetMemUtilization: 80,
      minMemory: 16,
      maxMemory: 64,
      maxUnavailable: 1,
      maxSurge: 1,
      minReadySeconds: 0,
    });
    assert.equal(app.status, 200, JSON.stringify(app.body));
    const dep = await admin.call("POST", "/v1/deploy", {
      deployName: "vol",
      appName: "vol",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
      nodeLabel: "camera",
    });
    assert.equal(dep.status, 200, JSON.stringify(dep.body));
    const seen = await waitFor(
      () => {
        const f = path.join(hostOut, "seen.txt");
        return fs.existsSync(path.join(hostOut, "ro.txt")) && fs.existsSync(f)
          ? fs.readFileSync(f, "utf8")
          : null;
      },
      "the container wrote into its host path",
      60_000,
      250,
    );
    assert.equal(seen, "from the host\n");
    assert.equal(fs.readFileSync(path.join(hostOut, "ro.txt"), "utf8"), "refused\n");
    assert.ok(!fs.existsSync(path.join(hostIn, "nope")));
    assert.equal((await admin.call("DELETE", `/v1/deploy/vol?namespace=${ns}`)).status, 200);
    // Gone altogether (not just stopping), so the next test starts from no container.
    await waitFor(
      async () =>
        (await docker.listContainers({ all: true, filters: { name: ["-vol-1.0.0-"] } })).length === 0,
      "the vol container removed",
      60_000,
      250,
    );
  });

  it("keeps a general user's deployment waiting for audit, and deletes a tag", async () => {
    const ns = ((await alice.call<{ namespaces: string[] }>("GET", "/v1/authorization")).body.data
      ?.namespaces ?? [])[0];
    const dep = await alice.call<{ id: number; status: number }>("POST", "/v1/deploy", {
      deployName: "wait",
      appName: "cam",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
      nodeLabel: "camera",
    });
    assert.equal(dep.body.data?.status, 0);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await running()).size, 0);
    const queue = await admin.call<{ deployName: string }[]>("GET", "/v1/admin/deploy");
    assert.deepEqual(
      queue.body.data?.map((x) => x.deployName),
      ["wait"],
    );
    assert.equal(
      (await admin.call("PUT", `/v1/admin/deploy/${dep.body.data?.id}`, { status: 2, comment: "no" })).status,
      200,
    );
    assert.equal(
      (await admin.call("DELETE", "/v1/repository/image/tag?imageName=edge/busybox&tag=1.1")).status,
      200,
    );
    const tags = await admin.call<{ tag: string }[]>(
      "GET",
      "/v1/repository/image/tag?imageName=edge/busybox",
    );
    // 1.0 and 1.1 are the same image: deleting a tag deletes its manifest, so both go.
    assert.ok(!tags.body.data?.some((t) => t.tag === "1.1"));
  });
});
