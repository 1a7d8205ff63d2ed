/**
 * End to end on real Docker, through the ModelArts surface: a notebook from a registered image
 * runs, its web port answers through the hub tunnel at its `url`, a file in /home/ma-user/work
 * survives stop and start, and create-image saves the running container as an image on the node.
 * Built hub and agent processes. Skips without Docker, except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import { identityNodeKey } from "../../agent/runtime-identity";
import { removeNodeContainers, removeNodeVolumes, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { startBuiltCluster, type BuiltCluster, type BuiltProcess } from "../helpers/processes";
import { waitFor } from "../helpers/wait";

const JOIN = "e2e-modelarts-join-token-0123";
const PASSWORD = "e2e-admin-password";
/** A notebook image: its own CMD serves /home/ma-user/work on the notebook port, as Jupyter would. */
const NOTEBOOK_IMAGE = `corral-test/notebook:${process.pid}`;
const SAVED_IMAGE = `e2e-team/saved-notebook:${process.pid}`;
const NOTEBOOK_CMD =
  "mkdir -p /home/ma-user/work && echo started >> /home/ma-user/work/starts && " +
  "exec httpd -f -p 8888 -h /home/ma-user/work";

type Json = Record<string, unknown>;

describe("e2e: a ModelArts notebook on real Docker (url through the tunnel, work dir across stop/start, create-image)", function () {
  this.timeout(180_000);
  let docker: Dockerode;
  let dir: string;
  let hub: BuiltProcess;
  let agent: BuiltProcess | undefined;
  let cluster: BuiltCluster;
  let projectId = "";
  const name = `e2e-ma-${process.pid}`;
  const nodeKey = identityNodeKey(name, "ma1");

  /** A ModelArts call as the SDK makes it (JSON content type always, X-Auth-Token). */
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
  const untilStatus = (id: string, status: string) =>
    waitFor(
      async () => {
        const nb = await ma("GET", `/v1/{project_id}/notebooks/${id}`);
        return nb.body.status === status ? nb.body : null;
      },
      `notebook ${status}`,
      90_000,
      200,
    );
  /** A file the notebook serves, through the hub tunnel with the admin's bearer token. */
  const served = async (id: string, file: string) => {
    const res = await fetch(`${cluster.httpUrl}/api/corral/v1/workloads/${id}/tasks/0/ports/8888/${file}`, {
      headers: { authorization: `Bearer ${cluster.token}` },
    });
    return { status: res.status, text: await res.text() };
  };

  before(async function () {
    docker = await requireDocker(this);
    // Derive the notebook image from the local test image (no registry here).
    const base = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ["true"] });
    const [repo, tag] = NOTEBOOK_IMAGE.split(":") as [string, string];
    await base.commit({ repo, tag, changes: [`CMD ["sh", "-c", ${JSON.stringify(NOTEBOOK_CMD)}]`] });
    await base.remove({ force: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-ma-"));
    cluster = await startBuiltCluster(dir, {
      cluster: name,
      node: "ma1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    ({ hub, agent } = cluster);
    const projects = await fetch(`${cluster.httpUrl}/v3/projects`, {
      headers: { "x-auth-token": cluster.token },
    });
    projectId = ((await projects.json()) as { projects: { id: string }[] }).projects[0]?.id ?? "";
    assert.match(projectId, /^[0-9a-f]{32}$/);
  });

  after(async () => {
    await agent?.stop();
    await hub?.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await removeNodeVolumes(docker, nodeKey);
      for (const image of [NOTEBOOK_IMAGE, SAVED_IMAGE])
        await docker
          .getImage(image)
          .remove({ force: true })
          .catch(() => undefined);
    }
  });

  it("runs a notebook, opens its url, keeps its work dir across stop/start and saves it as an image", async () => {
    const image = await ma("POST", "/v1/{project_id}/images", {
      swr_path: NOTEBOOK_IMAGE,
      service_type: "DEV",
    });
    assert.equal(image.status, 200, image.text);
    const flavors = await ma("GET", "/v1/{project_id}/notebooks/flavors?category=CPU");
    const flavor = ((flavors.body.flavors as Json[])[0] as Json).id as string;
    const created = await ma("POST", "/v1/{project_id}/notebooks", {
      name: "e2e-notebook",
      flavor,
      image_id: image.body.id,
      volume: { category: "EVS", ownership: "MANAGED", capacity: 5 },
      lease: { duration: 3_600_000, type: "timing" },
    });
    assert.equal(created.status, 200, created.text);
    const id = created.body.id as string;
    const running = await untilStatus(id, "RUNNING");

    // The signed url: first visit sets the path-scoped cookie and redirects to the clean path.
    const first = await fetch(running.url as string, { redirect: "manual" });
    assert.equal(first.status, 302);
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const page = await waitFor(
      async () => {
        const res = await fetch(
          new URL(first.headers.get("location") ?? "/", running.url as string).toString() + "starts",
          {
            headers: { cookie },
          },
        );
        return res.status === 200 ? res.text() : null;
      },
      "the notebook answering through its url",
      30_000,
      200,
    );
    assert.equal(page, "started\n");

    const saved = await ma("POST", `/v1/{project_id}/notebooks/${id}/create-image`, {
      namespace: SAVED_IMAGE.split("/")[0],
      name: (SAVED_IMAGE.split("/")[1] as string).split(":")[0],
      tag: SAVED_IMAGE.split(":")[1],
    });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.swr_path, SAVED_IMAGE);
    const inspected = await docker.getImage(SAVED_IMAGE).inspect();
    assert.ok(inspected.Id.startsWith("sha256:"));

    assert.equal((await ma("POST", `/v1/{project_id}/notebooks/${id}/stop`)).status, 200);
    await untilStatus(id, "STOPPED");
    assert.equal((await ma("POST", `/v1/{project_id}/notebooks/${id}/start`)).status, 200);
    await untilStatus(id, "RUNNING");
    const again = await waitFor(
      async () => {
        const res = await served(id, "starts");
        return res.status === 200 ? res.text : null;
      },
      "the restarted notebook answering",
      30_000,
      200,
    );
    assert.equal(again, "started\nstarted\n", "the file in /home/ma-user/work survived stop and start");

    assert.equal((await ma("POST", `/v1/{project_id}/notebooks/${id}/stop`)).status, 200);
    await untilStatus(id, "STOPPED");
    assert.equal((await ma("DELETE", `/v1/{project_id}/notebooks/${id}`)).status, 200);
  });
});
