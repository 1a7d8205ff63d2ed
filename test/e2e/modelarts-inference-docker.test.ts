/**
 * End to end on real Docker, through the ModelArts surface: a model from an image that serves HTTP
 * (busybox httpd serving a file stands in), a real-time service with two configs at weights 80/20
 * and 5 instances, calls through its access_address split about 80/20 and all succeed while one
 * instance is killed (docker kill); the service scales (single-property update) and stops/starts;
 * an app with an AppCode can call it, another app cannot.
 * Built hub and agent processes. Skips without Docker, except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { startBuiltCluster, type BuiltCluster, type BuiltProcess } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-inference-join-token-0123";
const PASSWORD = "e2e-admin-password";
/** A serving image: its own CMD answers /who with $WHO (set per config) on port 8080. */
const SERVE_IMAGE = `corral-test/serve:${process.pid}`;
// sh stays PID 1 with a TERM trap (a bare httpd as PID 1 ignores SIGTERM and waits out the stop grace).
const SERVE_CMD =
  "mkdir -p /www && echo \"$WHO\" > /www/who && httpd -f -p 8080 -h /www & trap 'kill $!; exit 0' TERM; wait";
const SMALL = { specification: "custom", custom_spec: { cpu: 0.05, memory: 32 } };

type Json = Record<string, unknown>;

describe("e2e: a ModelArts real-time service on real Docker (weighted calls through the hub, a killed instance, scale, stop/start)", function () {
  this.timeout(240_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  let cluster: BuiltCluster;
  let projectId = "";
  const name = `e2e-inf-${process.pid}`;
  const nodeKey = identityNodeKey(name, "inf1");

  const ma = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${cluster.httpUrl}${p.replace("{project_id}", projectId)}`, {
      method,
      headers: { "content-type": "application/json", "x-auth-token": cluster.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      // not JSON
    }
    return { status: res.status, body: json, text };
  };
  const service = (id: string) => ma("GET", `/v1/{project_id}/services/${id}`);
  const untilStatus = (id: string, status: string) =>
    waitFor(
      async () => ((await service(id)).body.status === status ? (await service(id)).body : null),
      `service ${status}`,
      120_000,
      250,
    );
  const running = async (id: string) =>
    (await ma("GET", `/v1/{project_id}/services/${id}/monitor`)).body
      .service_running_instance_count as number;
  const who = async (address: string) => {
    const res = await fetch(`${address}/who`, { headers: { "x-auth-token": cluster.token } });
    return { status: res.status, text: (await res.text()).trim() };
  };
  const model = async (modelName: string) => {
    const res = await ma("POST", "/v1/{project_id}/models", {
      model_name: modelName,
      model_version: "1.0.0",
      source_location: SERVE_IMAGE,
      model_type: "Image",
      health: { url: "/who", protocol: "http" },
    });
    assert.equal(res.status, 200, res.text);
    const id = res.body.model_id as string;
    await waitFor(
      async () => (await ma("GET", `/v1/{project_id}/models/${id}`)).body.model_status === "published",
      `model ${modelName} published`,
    );
    return id;
  };

  before(async function () {
    docker = await requireDocker(this);
    const base = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ["true"] });
    const [repo, tag] = SERVE_IMAGE.split(":") as [string, string];
    await base.commit({ repo, tag, changes: [`CMD ["sh", "-c", ${JSON.stringify(SERVE_CMD)}]`] });
    await base.remove({ force: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-inf-"));
    cluster = await startBuiltCluster(dir, {
      cluster: name,
      node: "inf1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    ({ hub, agent } = cluster);
    const projects = await fetch(`${cluster.httpUrl}/v3/projects`, {
      headers: { "x-auth-token": cluster.token },
    });
    projectId = ((await projects.json()) as { projects: { id: string }[] }).projects[0]?.id ?? "";
    // The node runs the image once, so the model's image check finds it there (no registry here).
    const warm = await cluster.api<{ id: string }>("POST", "/workloads", {
      name: "warm-image",
      image: SERVE_IMAGE,
      command: ["true"],
    });
    assert.equal(warm.status, 201, JSON.stringify(warm.body));
    await waitFor(
      async () =>
        (await cluster.api<{ state: string }>("GET", `/workloads/${warm.body.id}`)).body.state ===
        "succeeded",
      "warm-up workload succeeded",
      60_000,
      200,
    );
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await docker
        .getImage(SERVE_IMAGE)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it("splits calls 80/20 over 5 instances, survives a killed instance, scales, stops and starts", async () => {
    const a = await model("serve-a");
    const b = await model("serve-b");
    const deployed = await ma("POST", "/v1/{project_id}/services", {
      service_name: "e2e-split",
      infer_type: "real-time",
      config: [
        { model_id: a, weight: 80, instance_count: 4, envs: { WHO: "A" }, ...SMALL },
        { model_id: b, weight: 20, instance_count: 1, envs: { WHO: "B" }, ...SMALL },
      ],
    });
    assert.equal(deployed.status, 200, deployed.text);
    const id = deployed.body.service_id as string;
    const s = await untilStatus(id, "running");
    const address = s.access_address as string;
    assert.equal(address, `${cluster.httpUrl}/v1/infers/${id}`);
    await waitFor(async () => (await who(address)).status === 200, "first call answers", 30_000, 200);

    const counts: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 60) {
        // Kill one of config A's containers mid-run.
        const containers = await docker.listContainers({ filters: { label: [`corral.node=${nodeKey}`] } });
        let victim: string | undefined;
        for (const c of containers.filter((x) => x.Image === SERVE_IMAGE)) {
          const env = (await docker.getContainer(c.Id).inspect()).Config.Env ?? [];
          if (env.includes("WHO=A")) victim = c.Id;
        }
        assert.ok(victim, "a running instance of config A to kill");
        await docker.getContainer(victim).kill();
      }
      const r = await who(address);
      if (r.status !== 200) failures.push(`${i}: ${r.status} ${r.text}`);
      else counts[r.text] = (counts[r.text] ?? 0) + 1;
    }
    assert.deepEqual(failures, [], "every call answered while an instance died");
    const shareA = (counts.A ?? 0) / 200;
    assert.ok(shareA > 0.7 && shareA < 0.9, `about 80 % to config A: ${JSON.stringify(counts)}`);
    const invoked = (await service(id)).body.invocation_times as number;
    assert.ok(invoked >= 200, `invocation_times ${invoked}`);
    await waitFor(async () => (await running(id)) === 5, "the killed instance replaced", 60_000, 250);

    // Scale config B to 3 instances (single-property update).
    const scaled = await ma("PUT", `/v1/{project_id}/services/${id}/property`, {
      changed_property: "instance_count",
      configs: [{ changed_value: "3", model_id: b }],
    });
    assert.equal(scaled.status, 200, scaled.text);
    await waitFor(async () => (await running(id)) === 7, "7 instances", 60_000, 250);
    const live = await docker.listContainers({ filters: { label: [`corral.node=${nodeKey}`] } });
    assert.equal(live.filter((c) => c.Image === SERVE_IMAGE).length, 7);

    const stop = await ma("PUT", `/v1/{project_id}/services/${id}`, { status: "stopped" });
    assert.equal(stop.status, 200, stop.text);
    await untilStatus(id, "stopped");
    await waitFor(
      async () =>
        (await docker.listContainers({ filters: { label: [`corral.node=${nodeKey}`] } })).filter(
          (c) => c.Image === SERVE_IMAGE,
        ).length === 0,
      "no container runs",
      60_000,
      250,
    );
    assert.equal((await who(address)).status, 503);
    const start = await ma("PUT", `/v1/{project_id}/services/${id}`, { status: "running" });
    assert.equal(start.status, 200, start.text);
    await untilStatus(id, "running");
    await waitFor(async () => (await who(address)).status === 200, "calls answer again", 60_000, 250);
    assert.equal(await running(id), 7);

    // App authentication: an app authorized to the service's API calls it with its AppCode and no
    // IAM token; another app's code is refused.
    const appWithCode = async (appName: string) => {
      const made = await ma("POST", "/v1/{project_id}/app-auth/apps", { app_name: appName });
      assert.equal(made.status, 200, made.text);
      const appId = (made.body.app as Json).app_id as string;
      const coded = await ma("POST", `/v1/{project_id}/app-auth/apps/${appId}/app-code`, {});
      assert.equal(coded.status, 200, coded.text);
      return { appId, code: ((coded.body.app as Json).app_codes as string[])[0] as string };
    };
    const allowed = await appWithCode("e2e_allowed");
    const other = await appWithCode("e2e_other");
    const registered = await ma("POST", `/v1/{project_id}/services/${id}/app-auth-api`, {
      apps: [{ app_id: allowed.appId }],
    });
    assert.equal(registered.status, 200, registered.text);
    const byCode = (code: string) => fetch(`${address}/who`, { headers: { "x-apig-appcode": code } });
    const ok = await byCode(allowed.code);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /^[AB]\n?$/);
    const refused = await byCode(other.code);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as Json).error_code, "APIG.0304");
  });
});
