/**
 * End to end: the built corral-hub and corral-agent processes on the local Docker engine. A v2
 * YAML job submitted through the OpenPAI REST surface runs in a real container to SUCCEEDED; its
 * output (with the PAI_* env the hub gave it) comes back through the OpenPAI log route.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { BuiltProcess, startBuiltHub } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-openpai-join-token-0123";
const PASSWORD = "e2e-admin-password";

const JOB = `protocolVersion: 2
name: pai_e2e
type: job
parameters:
  greeting: hello from openpai
prerequisites:
  - {type: dockerimage, name: img, uri: ${TEST_IMAGE}}
taskRoles:
  worker:
    instances: 1
    dockerImage: img
    resourcePerInstance: {cpu: 1, memoryMB: 128, gpu: 0, ports: {http: 1}}
    commands:
      - echo "<% $parameters.greeting %>"
      - echo "job=$PAI_JOB_NAME user=$PAI_USER_NAME role=$PAI_TASK_ROLE_NAME index=$PAI_TASK_INDEX port=$PAI_CONTAINER_HOST_http_PORT_LIST"
`;

describe("e2e: OpenPAI v2 job on real Docker", function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess;
  let httpUrl: string;
  let token: string;
  const cluster = `pai-e2e-${process.pid}`;

  const call = async (method: string, url: string, body?: string, type = "text/yaml") => {
    const res = await fetch(url.startsWith("http") ? url : `${httpUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": type }) },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-pai-e2e-"));
    const started = await startBuiltHub(path.join(dir, "hub"), {
      CORRAL_ADMIN_PASSWORD: PASSWORD,
      CORRAL_BOOTSTRAP_JOIN_TOKEN: JOIN,
      CORRAL_HEARTBEAT_INTERVAL_MS: "500",
    });
    hub = started.process;
    httpUrl = started.httpUrl;
    // OpenPAI login: form-encoded, as the SDK sends it.
    const login = await fetch(`${httpUrl}/api/v2/authn/basic/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "admin", password: PASSWORD, expiration: "3600" }).toString(),
    });
    token = ((await login.json()) as { token: string }).token;
    agent = BuiltProcess.start("corral-agent", [], {
      CORRAL_HUB: started.grpcAddress,
      CORRAL_JOIN_TOKEN: JOIN,
      CORRAL_CLUSTER: cluster,
      CORRAL_NODE_NAME: "paibox",
      CORRAL_AGENT_DATA_DIR: path.join(dir, "agent"),
      CORRAL_NVIDIA_SMI: path.join(dir, "no-such-nvidia-smi"),
    });
    await waitFor(
      async () => {
        const nodes = (await call("GET", "/api/v2/kubernetes/nodes")).json() as {
          items?: { status: { conditions: { status: string }[] } }[];
        };
        return nodes.items?.some((n) => n.status.conditions[0]?.status === "True");
      },
      "node ready",
      30_000,
      200,
    );
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) await removeNodeContainers(docker, identityNodeKey(cluster, "paibox"));
  });

  it("runs the job to SUCCEEDED and serves its output, PAI_* env included, through the log route", async () => {
    const submit = await call("POST", "/api/v2/jobs", JOB);
    assert.equal(submit.status, 202, submit.text);
    type Detail = {
      jobStatus: { state: string; appExitCode: number | null };
      taskRoles: { worker: { taskStatuses: { containerNodeName: string; containerLog: string | null }[] } };
    };
    const done = await waitFor(
      async () => {
        const d = (await call("GET", "/api/v2/jobs/admin~pai_e2e")).json() as unknown as Detail;
        return ["SUCCEEDED", "FAILED"].includes(d.jobStatus.state) ? d : null;
      },
      "job finished",
      90_000,
      200,
    );
    assert.equal(done.jobStatus.state, "SUCCEEDED", JSON.stringify(done));
    assert.equal(done.jobStatus.appExitCode, 0);
    const task = done.taskRoles.worker.taskStatuses[0]!;
    assert.equal(task.containerNodeName, "paibox");
    const locations = (
      await call("GET", "/api/v2/jobs/admin~pai_e2e/attempts/0/taskRoles/worker/taskIndex/0/attempts/0/logs")
    ).json() as {
      locations: { uri: string }[];
    };
    const logs = await call("GET", locations.locations[0]!.uri);
    assert.equal(logs.status, 200);
    assert.match(logs.text, /hello from openpai/);
    assert.match(logs.text, /job=pai_e2e user=admin role=worker index=0 port=20000/);
  });
});
