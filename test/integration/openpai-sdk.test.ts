/**
 * The OpenPAI surface driven by the official JavaScript SDK (@microsoft/openpai-js-sdk 0.1.5, its
 * v2 and v1 clients) against a real hub with FakeRuntime agents over loopback gRPC.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PAIV1, PAIV2 } from "@microsoft/openpai-js-sdk";
import { parse as parseYaml } from "yaml";
import type { RunningAgent } from "../../agent/agent";
import { openpaiFixturesDir } from "../helpers/fixtures";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const FIXTURES = openpaiFixturesDir();

interface JobDetail {
  name: string;
  jobStatus: {
    state: string;
    appExitCode: number | null;
    executionType: string;
    waitingReason: string | null;
    retries: number;
  };
  taskRoles: Record<
    string,
    { taskStatuses: { taskState: string; containerLog: string | null; containerNodeName: string | null }[] }
  >;
}

/** A small CPU job the fake runtime plays: env FAKE_* from extras.corral.env. */
const job = (name: string, env: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  protocolVersion: 2,
  name,
  type: "job",
  prerequisites: [{ type: "dockerimage", name: "img", uri: "corral-test/busybox:1" }],
  taskRoles: {
    worker: {
      instances: 2,
      dockerImage: "img",
      resourcePerInstance: { cpu: 1, memoryMB: 512, gpu: 0, ports: { http: 1 } },
      commands: ["echo hello from <% $parameters.who %>"],
    },
  },
  parameters: { who: "pai" },
  extras: { corral: { env } },
  ...extra,
});

describe("integration: OpenPAI surface through the official SDK", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  let admin: PAIV2.OpenPAIClient;
  let uri: string;

  before(async () => {
    hub = await startTestHub();
    uri = hub.hub.httpUrl.replace(/^http:\/\//, "");
    agents.push(startTestAgent(hub, { name: "pai-1" }), startTestAgent(hub, { name: "pai-2" }));
    await waitFor(
      () => hub.hub.core.nodes.list().filter((n) => n.status === "ready").length === 2,
      "2 nodes ready",
    );
    admin = new PAIV2.OpenPAIClient({
      rest_server_uri: uri,
      username: ADMIN.username,
      password: ADMIN.password,
      https: false,
    });
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  const detail = (c: PAIV2.OpenPAIClient, user: string, name: string) =>
    c.job.getJob(user, name) as unknown as Promise<JobDetail>;
  const until = (
    c: PAIV2.OpenPAIClient,
    user: string,
    name: string,
    pred: (j: JobDetail) => boolean,
    what: string,
  ) =>
    waitFor(
      async () => {
        const j = await detail(c, user, name);
        return pred(j) ? j : null;
      },
      what,
      20_000,
      50,
    );

  it("logs in (the bootstrap admin is an OpenPAI admin) and reads cluster info", async () => {
    const info = (await admin.api.getClusterInfo()) as { name: string; authnMethod: string };
    assert.equal(info.authnMethod, "basic");
    const login = (await admin.authn.basicLogin(ADMIN.username, ADMIN.password, 3600)) as {
      token: string;
      admin: boolean;
    };
    assert.equal(login.admin, true);
    const me = (await admin.user.getUser(ADMIN.username)) as { grouplist: string[]; admin: boolean };
    assert.ok(me.grouplist.includes("admingroup"));
    assert.equal(me.admin, true);
  });

  it("creates a user, manages group membership, and lists and revokes tokens", async () => {
    await admin.user.createUser({
      username: "alice",
      email: "alice@example.com",
      password: "alice-pass",
      admin: false,
      virtualCluster: ["default"],
    } as never);
    await admin.group.createGroup({
      groupname: "team_a",
      description: "team A",
      externalName: "",
      extension: {},
    } as never);
    await admin.user.updateUserGroup("alice", "team_a");
    assert.deepEqual(
      ((await admin.group.getGroupMembers("team_a")) as { username: string }[]).map((u) => u.username),
      ["alice"],
    );
    await admin.user.deleteUserGroup("alice", "team_a");
    assert.deepEqual(await admin.group.getGroupMembers("team_a"), []);

    const alice = new PAIV2.OpenPAIClient({
      rest_server_uri: uri,
      username: "alice",
      password: "alice-pass",
      https: false,
    });
    const app = (await alice.token.createApplicationToken()) as { token: string; application: boolean };
    assert.equal(app.application, true);
    const tokens = ((await alice.token.getTokens()) as { tokens: string[] }).tokens;
    assert.ok(tokens.includes(app.token) && tokens.length === 2);
    // The application token works as Bearer and in the documented Basic form.
    const appClient = new PAIV2.OpenPAIClient({ rest_server_uri: uri, token: app.token, https: false });
    assert.equal(((await appClient.user.getUser("alice")) as { username: string }).username, "alice");
    const basic = await fetch(`${hub.hub.httpUrl}/api/v2/tokens/check`, {
      headers: { authorization: `Basic ${Buffer.from(`alice:${app.token}`).toString("base64")}` },
    });
    assert.equal(basic.status, 200);
    assert.equal(((await basic.json()) as { application: boolean }).application, true);
    await alice.token.deleteToken(app.token);
    assert.ok(!((await alice.token.getTokens()) as { tokens: string[] }).tokens.includes(app.token));
  });

  it("accepts every fixture in test/fixtures/openpai (v2 YAML through v2, v1 JSON through the v1 client)", async () => {
    const files = fs.readdirSync(FIXTURES).sort();
    assert.ok(files.length >= 8);
    const v1 = new PAIV1.OpenPAIClient({
      rest_server_uri: uri,
      username: ADMIN.username,
      password: ADMIN.password,
      https: false,
    });
    for (const file of files) {
      const text = fs.readFileSync(path.join(FIXTURES, file), "utf8");
      if (file.endsWith(".yaml")) {
        const res = (await admin.job.createJob(parseYaml(text))) as { status: number };
        assert.equal(res.status, 202, file);
        const name = (parseYaml(text) as { name: string }).name;
        // Visible the moment submit returns, and WAITING says why.
        const j = await detail(admin, ADMIN.username, name);
        assert.ok(["WAITING", "RUNNING"].includes(j.jobStatus.state), file);
      } else {
        const config = JSON.parse(text) as { jobName: string };
        const res = (await v1.job.submit(ADMIN.username, config as never)) as unknown as { message: string };
        // 202 {message} as the document says; the job is readable at once.
        assert.equal(res.message, `update job ${config.jobName} successfully`, file);
        assert.equal((await v1.job.get(ADMIN.username, config.jobName)).name, config.jobName, file);
      }
    }
    const cfg = (await admin.job.getJobConfig(ADMIN.username, "tensorflow_cifar10")) as { name: string };
    assert.equal(cfg.name, "tensorflow_cifar10");
    const waiting = await detail(admin, ADMIN.username, "hello-world-job");
    assert.equal(waiting.jobStatus.state, "WAITING");
    assert.match(waiting.jobStatus.waitingReason ?? "", /gpu|GPU|node/);
    const v1List = await v1.job.list(`username=${ADMIN.username}`);
    assert.ok(v1List.some((j) => j.name === "pytorch-mnist"));
  });

  it("runs a job to SUCCEEDED with PAI_* env and serves its logs", async () => {
    await admin.job.createJob(
      job("ok_job", { FAKE_RUN_FOR_MS: "300", FAKE_LOG: "hello from pai\n" }) as never,
    );
    const running = await until(
      admin,
      ADMIN.username,
      "ok_job",
      (j) => j.jobStatus.state === "RUNNING",
      "ok_job running",
    );
    // The containers' env, as the agents get it.
    const node = hub.hub.core.nodes
      .list()
      .find((n) => n.name === running.taskRoles.worker?.taskStatuses[0]?.containerNodeName);
    const env = hub.hub.core.desired.forNode(node!.id).find((t) => t.name.startsWith("ok_job"))?.env ?? {};
    assert.equal(env.PAI_JOB_NAME, "ok_job");
    assert.equal(env.PAI_USER_NAME, ADMIN.username);
    assert.equal(env.PAI_TASK_ROLE_NAME, "worker");
    assert.equal(env.PAI_CURRENT_TASK_ROLE_NAME, "worker");
    assert.match(env.PAI_TASK_INDEX ?? "", /^[01]$/);
    assert.equal(env.PAI_CONTAINER_HOST_http_PORT_LIST, "20000");
    assert.equal((env.PAI_TASK_ROLE_worker_HOST_LIST ?? "").split(",").length, 2);
    const done = await until(
      admin,
      ADMIN.username,
      "ok_job",
      (j) => j.jobStatus.state === "SUCCEEDED",
      "ok_job succeeded",
    );
    assert.equal(done.jobStatus.appExitCode, 0);
    const logs = (await admin.job.getTaskLogs(ADMIN.username, "ok_job", 0, "worker", 0, 0)) as {
      locations: { name: string; uri: string }[];
    };
    const res = await fetch(logs.locations[0]!.uri, {
      headers: { authorization: `Bearer ${hub.adminToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello from pai\n");
  });

  it("reports a failing job as FAILED with its exit code", async () => {
    await admin.job.createJob(job("bad_job", { FAKE_RUN_FOR_MS: "50", FAKE_EXIT_CODE: "3" }) as never);
    const j = await until(
      admin,
      ADMIN.username,
      "bad_job",
      (x) => x.jobStatus.state === "FAILED",
      "bad_job failed",
    );
    assert.equal(j.jobStatus.appExitCode, 3);
  });

  it("retries a failing job jobRetryCount times, then reports FAILED with its retries", async () => {
    await admin.job.createJob(
      job("retry_job", { FAKE_RUN_FOR_MS: "30", FAKE_EXIT_CODE: "4" }, { jobRetryCount: 1 }) as never,
    );
    const j = await until(
      admin,
      ADMIN.username,
      "retry_job",
      (x) => x.jobStatus.state === "FAILED",
      "retry_job failed after its retry",
    );
    assert.equal(j.jobStatus.retries, 1);
    assert.equal(j.jobStatus.appExitCode, 4);
  });

  it("succeeds when a role meets minSucceededInstances, stopping the role that runs forever", async () => {
    await admin.job.createJob({
      ...job("ps_worker", {}),
      taskRoles: {
        ps: {
          instances: 1,
          dockerImage: "img",
          resourcePerInstance: { cpu: 1, memoryMB: 256, gpu: 0 },
          commands: ["serve"],
          completion: { minSucceededInstances: -1 },
        },
        worker: {
          instances: 2,
          dockerImage: "img",
          resourcePerInstance: { cpu: 1, memoryMB: 256, gpu: 0 },
          commands: ["train"],
          completion: { minFailedInstances: 1, minSucceededInstances: 2 },
        },
      },
      extras: {
        corral: {
          taskRoles: { ps: { env: { FAKE_RUN_FOR_MS: "-1" } }, worker: { env: { FAKE_RUN_FOR_MS: "100" } } },
        },
      },
    } as never);
    const j = await until(
      admin,
      ADMIN.username,
      "ps_worker",
      (x) => x.jobStatus.state === "SUCCEEDED",
      "ps_worker succeeded on its workers",
    );
    const ps = j.taskRoles.ps?.taskStatuses[0];
    assert.ok(ps);
    await waitFor(
      () => hub.hub.core.nodes.allocations().size === 0,
      "the ps task stopped: no task holds anything on any node",
    );
  });

  it("stops a running job (STOP) and every container with it", async () => {
    await admin.job.createJob(job("long_job", { FAKE_RUN_FOR_MS: "-1" }) as never);
    await until(
      admin,
      ADMIN.username,
      "long_job",
      (j) => j.jobStatus.state === "RUNNING",
      "long_job running",
    );
    const res = (await admin.job.updateJobExecutionType(ADMIN.username, "long_job", "STOP")) as {
      status: number;
    };
    assert.equal(res.status, 202);
    const j = await until(
      admin,
      ADMIN.username,
      "long_job",
      (x) => x.jobStatus.state === "STOPPED",
      "long_job stopped",
    );
    assert.equal(j.jobStatus.executionType, "STOP");
    assert.ok(j.taskRoles.worker!.taskStatuses.every((t) => t.taskState === "STOPPED"));
  });

  it("tags jobs, filters and pages the job list", async () => {
    await admin.job.addTag(ADMIN.username, "ok_job", "keep");
    await admin.job.addTag(ADMIN.username, "bad_job", "keep");
    await admin.job.deleteTag(ADMIN.username, "bad_job", "keep");
    const tagged = (await admin.job.listJobs({ tagsContain: "keep" } as never)) as { name: string }[];
    assert.deepEqual(
      tagged.map((j) => j.name),
      ["ok_job"],
    );
    const failed = (await admin.job.listJobs({ state: "FAILED,STOPPED", order: "name,ASC" } as never)) as {
      name: string;
    }[];
    assert.deepEqual(
      failed.map((j) => j.name),
      ["bad_job", "long_job", "retry_job"],
    );
    const page = (await admin.job.listJobs({
      offset: 1,
      limit: 2,
      withTotalCount: true,
      order: "submissionTime,ASC",
    } as never)) as {
      totalCount: number;
      data: { name: string }[];
    };
    assert.equal(page.data.length, 2);
    assert.ok(page.totalCount >= 11);
    const byKeyword = (await admin.job.listJobs({ keyword: "cifar" } as never)) as { name: string }[];
    assert.deepEqual(byKeyword.map((j) => j.name).sort(), [
      "tensorflow-distributed-cifar10",
      "tensorflow_cifar10",
    ]);
  });

  it("lists virtual clusters and refuses a VC share beyond the cluster (NoEnoughQuotaError)", async () => {
    const put = (vc: string, body: unknown) =>
      fetch(`${hub.hub.httpUrl}/api/v1/virtual-clusters/${vc}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${hub.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    assert.equal((await put("vc_a", { vcCapacity: 60, vcMaxCapacity: 80 })).status, 201);
    const refused = await put("vc_b", { vcCapacity: 50 });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { code: string }).code, "NoEnoughQuotaError");
    const vcs = (await admin.virtualCluster.listVirtualClusters()) as Record<
      string,
      { capacity: number; maxCapacity: number }
    >;
    assert.equal(vcs.vc_a?.capacity, 60);
    assert.equal(vcs.default?.capacity, 40);
    const unit = hub.hub.core.quotaUnits.byName("virtual-cluster", "vc_a")!;
    const cpu = unit.allocations[0]!.cpuMilli;
    assert.deepEqual([cpu.deserved, cpu.limit], [9600, 12800], "60% / 80% of 2 x 8 cores");
  });
});
