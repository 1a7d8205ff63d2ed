/**
 * OpenPAI job features beyond the SDK walk-through: whole-job attempt history (job-attempts,
 * per-attempt detail and logs), registry credentials from a dockerimage prerequisite's `auth`,
 * and the per-user job list and submit rate limits. A real hub, FakeRuntime agents over gRPC.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { TaskSpec } from "../../agent/runtime/runtime";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface TaskStatus {
  attemptId: number;
  taskState: string;
  containerExitCode: number | null;
  containerLog: string | null;
}
interface Attempt {
  attemptIndex: number;
  isLatest: boolean;
  state: string;
  exitCode: number | null;
  appExitCode: number | null;
  retries: number;
  taskRoles: Record<string, { taskStatuses: TaskStatus[] }>;
}
interface Detail {
  jobStatus: { state: string; attemptId: number; appExitCode: number | null; retries: number };
  taskRoles: Record<string, { taskStatuses: TaskStatus[] }>;
}

const job = (name: string, env: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  protocolVersion: 2,
  name,
  type: "job",
  prerequisites: [{ type: "dockerimage", name: "img", uri: "corral-test/busybox:1" }],
  taskRoles: {
    worker: {
      instances: 1,
      dockerImage: "img",
      resourcePerInstance: { cpu: 1, memoryMB: 256, gpu: 0 },
      commands: ["train"],
    },
  },
  extras: { corral: { env } },
  ...extra,
});

describe("integration: OpenPAI job attempts and registry credentials", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  const seen: TaskSpec[] = [];

  before(async () => {
    hub = await startTestHub();
    const runtime = new FakeRuntime({ nodeId: "pai-h1" });
    const start = runtime.start.bind(runtime);
    // Every first attempt of a task exits 3, later ones as their env says: attempts differ.
    runtime.start = (spec: TaskSpec) => {
      seen.push(spec);
      return start(
        spec.attempt === 1 && spec.env.FAKE_EXIT_CODE !== undefined
          ? { ...spec, env: { ...spec.env, FAKE_EXIT_CODE: "3" } }
          : spec,
      );
    };
    agent = startTestAgent(hub, { name: "pai-h1", runtime });
    await waitFor(() => hub.hub.core.nodes.list().some((n) => n.status === "ready"), "node ready");
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  const get = <T>(url: string) => hub.api<T>("GET", url);

  it("lists every attempt of a retried job, newest first, each with its exit code and logs", async () => {
    const submit = await hub.api(
      "POST",
      "/api/v2/jobs",
      job("twice", { FAKE_RUN_FOR_MS: "30", FAKE_EXIT_CODE: "4" }, { jobRetryCount: 1 }),
    );
    assert.equal(submit.status, 202, submit.text);
    await waitFor(
      async () => (await get<Detail>("/api/v2/jobs/admin~twice")).body.jobStatus.state === "FAILED",
      "twice failed after its retry",
    );
    const list = await get<Attempt[]>("/api/v2/jobs/admin~twice/job-attempts");
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.body.map((a) => [a.attemptIndex, a.isLatest, a.state, a.exitCode, a.retries]),
      [
        [1, true, "FAILED", 4, 1],
        [0, false, "FAILED", 3, 0],
      ],
    );
    const first = list.body[1]?.taskRoles.worker?.taskStatuses[0];
    assert.equal(first?.taskState, "FAILED");
    assert.equal(first?.containerExitCode, 3);
    assert.equal(first?.attemptId, 0);

    const byIdx = await get<Attempt>("/api/v2/jobs/admin~twice/job-attempts/0");
    assert.equal(byIdx.status, 200, byIdx.text);
    assert.equal(byIdx.body.exitCode, 3);
    assert.equal(byIdx.body.isLatest, false);
    const past = await get<Detail>("/api/v2/jobs/admin~twice/attempts/0");
    assert.equal(past.status, 200, past.text);
    assert.equal(past.body.jobStatus.attemptId, 0);
    assert.equal(past.body.jobStatus.appExitCode, 3);
    assert.equal(past.body.jobStatus.state, "FAILED");
    const latest = await get<Detail>("/api/v2/jobs/admin~twice/attempts/1");
    assert.equal(latest.body.jobStatus.appExitCode, 4);
    for (const missing of ["2", "x"]) {
      const res = await get<{ code: string }>(`/api/v2/jobs/admin~twice/job-attempts/${missing}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.code, "NoJobError");
    }

    // Task attempts and logs of each job attempt, from the containers the agent still keeps.
    const base = "/api/v2/jobs/admin~twice/attempts";
    for (const [jobAttempt, taskAttempt] of [
      [0, 0],
      [1, 1],
    ] as const) {
      const tasks = await get<{ jobAttemptId: number; taskAttempts: TaskStatus[] }>(
        `${base}/${jobAttempt}/taskRoles/worker/taskIndex/0/attempts`,
      );
      assert.equal(tasks.status, 200, tasks.text);
      assert.equal(tasks.body.jobAttemptId, jobAttempt);
      assert.equal(tasks.body.taskAttempts[0]?.attemptId, taskAttempt);
      const locations = await get<{ locations: { uri: string }[] }>(
        `${base}/${jobAttempt}/taskRoles/worker/taskIndex/0/attempts/${taskAttempt}/logs`,
      );
      assert.equal(locations.status, 200, locations.text);
      const uri = locations.body.locations[0]?.uri ?? "";
      assert.equal(tasks.body.taskAttempts[0]?.containerLog, uri.replace(/\/all$/, ""));
      const text = await get<string>(uri.replace(hub.hub.httpUrl, ""));
      assert.equal(text.status, 200, text.text);
      assert.match(text.text, new RegExp(`attempt ${taskAttempt + 1}\\n$`));
    }
    const wrong = await get<{ code: string }>(`${base}/0/taskRoles/worker/taskIndex/0/attempts/1/logs`);
    assert.equal(wrong.status, 404);
    assert.equal(wrong.body.code, "NoTaskLogError");
  });

  it("pulls with a dockerimage prerequisite's auth, kept sealed and masked in the config", async () => {
    const password = "Reg-Pass-7781";
    const res = await hub.api("POST", "/api/v2/jobs", {
      ...job("private_img", { FAKE_RUN_FOR_MS: "-1" }),
      prerequisites: [
        {
          type: "dockerimage",
          name: "img",
          uri: "registry.pai.example:5000/team/train:1",
          auth: {
            username: "<% $secrets.user %>",
            password,
            registryuri: "https://registry.pai.example:5000/v2/",
          },
        },
      ],
      secrets: { user: "puller" },
    });
    assert.equal(res.status, 202, res.text);
    await waitFor(() => seen.some((s) => s.image.startsWith("registry.pai.example:5000/")), "task started");
    const spec = seen.find((s) => s.image.startsWith("registry.pai.example:5000/"));
    assert.deepEqual(spec?.registryAuth, {
      serverAddress: "registry.pai.example:5000",
      username: "puller",
      password,
    });
    assert.ok(
      seen.filter((s) => s.image === "corral-test/busybox:1").every((s) => s.registryAuth === undefined),
      "jobs without auth pull without credentials",
    );
    const w = hub.hub.core.workloads.list().find((x) => x.name === "private_img");
    assert.ok(w);
    assert.equal(w.roles[0]?.pullSecret, "openpai/admin~private_img/img");
    const row = JSON.stringify(w);
    assert.ok(!row.includes(password), "the workload row never holds the password");
    const config = await hub.api<string>("GET", "/api/v2/jobs/admin~private_img/config");
    assert.equal(config.status, 200);
    assert.ok(!config.text.includes(password), config.text);
    assert.match(config.text, /password: "\*\*\*\*\*\*"/);
    await hub.api("PUT", "/api/v2/jobs/admin~private_img/executionType", { value: "STOP" });
  });
});

describe("integration: OpenPAI job API rate limits", function () {
  this.timeout(30_000);
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub({
      CORRAL_OPENPAI_LIST_RATE_PER_MIN: "3",
      CORRAL_OPENPAI_SUBMIT_RATE_PER_HOUR: "2",
    });
    const created = await hub.api("POST", "/api/v2/users", {
      username: "carol",
      password: "carol-pass",
      email: "",
    });
    assert.equal(created.status, 201, created.text);
  });
  after(() => hub.close());

  it("answers 429 TooManyRequestsError with Retry-After past a user's list and submit limits", async () => {
    const login = await hub.api<{ token: string }>(
      "POST",
      "/api/v2/authn/basic/login",
      { username: "carol", password: "carol-pass" },
      null,
    );
    const carol = login.body.token;
    for (let i = 0; i < 3; i++) assert.equal((await hub.api("GET", "/api/v2/jobs")).status, 200);
    const res = await fetch(`${hub.hub.httpUrl}/api/v2/jobs`, {
      headers: { authorization: `Bearer ${hub.adminToken}` },
    });
    assert.equal(res.status, 429);
    assert.deepEqual(await res.json(), {
      code: "TooManyRequestsError",
      message: "Too many requests, please try again later.",
    });
    const wait = Number(res.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    // Per user: carol still lists.
    assert.equal((await hub.api("GET", "/api/v2/jobs", undefined, carol)).status, 200);

    for (const name of ["r1", "r2"])
      assert.equal((await hub.api("POST", "/api/v2/jobs", job(name, {}), carol)).status, 202);
    const third = await hub.api<{ code: string }>("POST", "/api/v2/jobs", job("r3", {}), carol);
    assert.equal(third.status, 429);
    assert.equal(third.body.code, "TooManyRequestsError");
    assert.equal(hub.hub.core.workloads.findByOwnerAndName("carol", "r3"), undefined);
    assert.equal((await hub.api("POST", "/api/v2/jobs", job("a1", {}))).status, 202);
  });

  it("refuses a bad limit at start, naming the variable", async () => {
    await assert.rejects(
      startTestHub({ CORRAL_OPENPAI_LIST_RATE_PER_MIN: "many" }),
      /CORRAL_OPENPAI_LIST_RATE_PER_MIN/,
    );
  });
});
