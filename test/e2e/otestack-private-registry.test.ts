/**
 * End to end: an OTE app pulled from a private registry with its external repository's stored
 * credentials. A second docker-registry demands htpasswd (bcrypt) auth; the test image is pushed
 * into it after `docker login` (in a throw-away DOCKER_CONFIG), then logged out and removed from
 * the engine so the node must pull. Built hub + agent, real Docker. An app without the
 * externalRepoId fails to pull with the engine's auth error; with it, the container runs.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { request } from "../helpers/http";
import { OteClient } from "../helpers/otestack-client";
import { BuiltProcess, startBuiltHub } from "../helpers/processes";
import { requireRegistry, type TestRegistry } from "../helpers/registry";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-ote-private-join-token-0123456789";
const PASSWORD = "E2e-admin-password1";
const PULLER = { username: "puller", password: "Pull-Secret-42" };
const NODE = "priv1";

describe("e2e: OTE-stack app pulled from a private registry with stored credentials", function () {
  this.timeout(180_000);
  let docker: Dockerode;
  let registry: TestRegistry;
  let dir: string;
  let hub: BuiltProcess;
  let admin: OteClient;
  let httpUrl = "";
  let ns = "";
  let image = "";
  const cluster = `ote-priv-${process.pid}`;

  /** The docker CLI with its own config dir, so logins never touch the user's. */
  const dockerCli = (args: string[], input?: string) =>
    execFileSync("docker", args, {
      env: { ...process.env, DOCKER_CONFIG: path.join(dir, "docker-config") },
      ...(input !== undefined ? { input } : {}),
      stdio: ["pipe", "pipe", "pipe"],
    }).toString();

  const runningImages = async (): Promise<string[]> =>
    (await docker.listContainers({ filters: { label: [`corral.node=${identityNodeKey(cluster, NODE)}`] } }))
      .filter((c) => c.State === "running")
      .map((c) => c.Image);

  before(async function () {
    docker = await requireDocker(this);
    registry = await requireRegistry(this, { auth: PULLER });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-ote-priv-"));
    image = `${registry.host}/priv/app:1`;
    // Anonymous pushes are refused: the registry really demands credentials.
    execFileSync("docker", ["tag", TEST_IMAGE, image]);
    assert.throws(() => dockerCli(["push", "-q", image]), /no basic auth credentials|unauthorized/i);
    dockerCli(["login", "--username", PULLER.username, "--password-stdin", registry.host], PULLER.password);
    dockerCli(["push", "-q", image]);
    dockerCli(["logout", registry.host]);
    execFileSync("docker", ["rmi", image]);

    const started = await startBuiltHub(path.join(dir, "hub"), {
      CORRAL_ADMIN_PASSWORD: PASSWORD,
      CORRAL_BOOTSTRAP_JOIN_TOKEN: JOIN,
      CORRAL_HEARTBEAT_INTERVAL_MS: "500",
    });
    hub = started.process;
    agent = BuiltProcess.start("corral-agent", [], {
      CORRAL_HUB: started.grpcAddress,
      CORRAL_JOIN_TOKEN: JOIN,
      CORRAL_CLUSTER: cluster,
      CORRAL_NODE_NAME: NODE,
      CORRAL_AGENT_DATA_DIR: path.join(dir, "agent"),
      CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
    });
    httpUrl = started.httpUrl;
    admin = new OteClient(httpUrl);
    await admin.login("admin", PASSWORD);
    await waitFor(
      async () =>
        (await admin.call("GET", `/v1/node?clusterName=${cluster}`)).body.meta?.readyNodeCount === 1,
      "1 ready node",
      30_000,
    );
    const biz = await admin.call<{ id: number }>("POST", "/v1/business", { name: "private" });
    const ok = await admin.call<{ namespace: string }>("PUT", `/v1/business/id/${biz.body.data?.id}`, {
      status: 1,
    });
    ns = ok.body.data?.namespace as string;
    assert.ok(ns);
  });
  let agent: BuiltProcess | undefined;

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, identityNodeKey(cluster, NODE));
      await docker
        .getImage(image)
        .remove()
        .catch(() => undefined);
    }
    await registry?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const createApp = async (appName: string, extra: Record<string, unknown>) => {
    const res = await admin.call<{ version: string }>("POST", "/v1/app", {
      appName,
      version: "1.0",
      namespace: ns,
      image,
      command: ["sleep", "3600"],
      cpu: 100,
      memory: 64,
      minReadySeconds: 0,
      ...extra,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const dep = await admin.call("POST", "/v1/deploy", {
      deployName: appName,
      appName,
      version: res.body.data?.version,
      namespace: ns,
      clusterLabel: "all",
    });
    assert.equal(dep.status, 200, JSON.stringify(dep.body));
  };

  it("fails to pull without the external repository: the task fails with the engine's auth error", async () => {
    await createApp("nocreds", {});
    const login = await request<{ token: string }>(`${httpUrl}/api/corral/v1/auth/login`, "POST", {
      username: "admin",
      password: PASSWORD,
    });
    const token = login.body.token;
    const failure = await waitFor(
      async () => {
        const list = await request<{ items: { id: string; name: string }[] }>(
          `${httpUrl}/api/corral/v1/workloads`,
          "GET",
          undefined,
          token,
        );
        const w = list.body.items.find((x) => x.name.startsWith("nocreds-"));
        if (!w) return null;
        const events = await request<{ items: { type: string; message: string }[] }>(
          `${httpUrl}/api/corral/v1/workloads/${w.id}/events`,
          "GET",
          undefined,
          token,
        );
        return (
          events.body.items.find((e) => e.type === "Warning" && /could not be pulled/.test(e.message)) ?? null
        );
      },
      "a pull failure event",
      60_000,
      250,
    );
    assert.match(failure.message, /no basic auth credentials|unauthorized|authentication required/i);
    assert.deepEqual(await runningImages(), []);
    assert.equal((await admin.call("DELETE", "/v1/deploy/nocreds")).status, 200);
  });

  it("pulls with the stored credentials when the app names its external repository", async () => {
    const repo = await admin.call<{ id: number }>("POST", "/v1/repository/external", {
      name: "private-e2e",
      address: registry.host,
      username: PULLER.username,
      password: PULLER.password,
    });
    assert.equal(repo.status, 200, JSON.stringify(repo.body));
    await createApp("withcreds", { externalRepoId: repo.body.data?.id });
    await waitFor(
      async () => ((await runningImages()).includes(image) ? true : null),
      "the private image's container running",
      90_000,
      250,
    );
    await waitFor(
      async () =>
        (await admin.call<{ status: number }>("GET", "/v1/deploy/withcreds")).body.data?.status === 5,
      "deployment running (status 5)",
      30_000,
      250,
    );
    // The engine never kept the login: the image came through the task's own pull credentials.
    const config = path.join(dir, "docker-config", "config.json");
    assert.ok(!fs.existsSync(config) || !fs.readFileSync(config, "utf8").includes(registry.host));
    assert.equal((await admin.call("DELETE", "/v1/deploy/withcreds")).status, 200);
    await waitFor(async () => ((await runningImages()).length === 0 ? true : null), "container gone", 60_000);
  });
});
