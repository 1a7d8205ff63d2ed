/**
 * One quota unit, every face: a unit made through one surface is listed and usable through the
 * others (a Run:ai project is an OpenPAI virtual cluster and an OTE business, an OTE business is a
 * Run:ai project), under a stable alias where its name is not in a surface's grammar; and the
 * quota-lowering rule of the core holds on the OpenPAI face too. A real hub, a FakeRuntime agent
 * with 4 GPUs.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface RunaiProject {
  id: number;
  name: string;
  resources: { gpu: { deserved: number } }[];
}
interface Vc {
  capacity: number;
  maxCapacity: number;
  resourcesUsed: { GPUs: number };
}
interface Detail {
  jobStatus: { state: string; virtualCluster: string };
  taskRoles: Record<string, { taskStatuses: { taskState: string }[] }>;
}

/** An OpenPAI v2 job of `instances` 1-GPU tasks that run until stopped. */
const job = (name: string, virtualCluster: string, instances: number) => ({
  protocolVersion: 2,
  name,
  type: "job",
  prerequisites: [{ type: "dockerimage", name: "img", uri: "corral-test/busybox:1" }],
  taskRoles: {
    worker: {
      instances,
      dockerImage: "img",
      resourcePerInstance: { cpu: 1, memoryMB: 256, gpu: 1 },
      commands: ["train"],
    },
  },
  defaults: { virtualCluster },
  extras: { corral: { env: { FAKE_RUN_FOR_MS: "-1" } } },
});

describe("integration: one quota unit on every face", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  let ote: OteClient;
  let clusterId = "";
  const P = "/api/v1/org-unit/projects";

  const runaiProject = async (name: string, gpus: number) => {
    const res = await hub.api<RunaiProject>("POST", P, {
      name,
      clusterId,
      resources: [
        {
          nodePool: { id: "default" },
          gpu: { deserved: gpus, limit: -1 },
          cpu: { deserved: gpus * 1000, limit: -1 },
          memory: { deserved: gpus * 1024, limit: -1, units: "Mib" },
        },
      ],
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const vcs = async () => {
    const res = await hub.api<Record<string, Vc>>("GET", "/api/v2/virtual-clusters");
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const running = async (fw: string) => {
    const d = (await hub.api<Detail>("GET", `/api/v2/jobs/${fw}`)).body;
    return d.taskRoles.worker?.taskStatuses.filter((t) => t.taskState === "RUNNING").length ?? 0;
  };
  const stop = async (fw: string) => {
    const res = await hub.api("PUT", `/api/v2/jobs/${fw}/executionType`, { value: "STOP" });
    assert.equal(res.status, 202, res.text);
    await waitFor(
      async () => (await hub.api<Detail>("GET", `/api/v2/jobs/${fw}`)).body.jobStatus.state === "STOPPED",
      `${fw} stopped`,
    );
  };

  before(async () => {
    hub = await startTestHub();
    agent = startTestAgent(hub, { name: "gpu-1", hardware: fakeHardware({ cores: 16, gpus: fakeGpus(4) }) });
    await waitFor(() => hub.hub.core.nodes.list().some((n) => n.status === "ready"), "node ready");
    clusterId = (await hub.api<{ items: { id: string }[] }>("GET", "/api/corral/v1/clusters")).body.items[0]
      ?.id as string;
    ote = new OteClient(hub.hub.httpUrl);
    await ote.login(ADMIN.username, ADMIN.password);
  });
  after(async () => {
    await agent.stop();
    await hub.close();
  });

  it("takes an OpenPAI job in a Run:ai project, named team-a or by its VC alias team_a", async () => {
    const project = await runaiProject("team-a", 1);
    const unit = hub.hub.core.quotaUnits.byName("project", "team-a");
    assert.ok(unit);
    const listed = await vcs();
    assert.ok(listed.team_a, `team-a is listed as VC team_a: ${Object.keys(listed).join(", ")}`);
    assert.equal(listed["team-a"], undefined, "never under a name OpenPAI cannot spell");
    assert.equal(listed.team_a.capacity, 25, "1 of the cluster's 4 GPUs");
    assert.equal((await hub.api("GET", "/api/v2/virtual-clusters/team_a")).status, 200);

    const submit = await hub.api("POST", "/api/v2/jobs", job("in-project", "team-a", 1));
    assert.equal(submit.status, 202, submit.text);
    const w = hub.hub.core.workloads.findByOwnerAndName(ADMIN.username, "in-project");
    assert.equal(w?.quotaUnitId, unit.id, "the job runs in the project's quota unit");
    await waitFor(async () => (await running("admin~in-project")) === 1, "job running");
    const detail = (await hub.api<Detail>("GET", "/api/v2/jobs/admin~in-project")).body;
    assert.equal(detail.jobStatus.virtualCluster, "team_a");
    assert.equal((await vcs()).team_a?.resourcesUsed.GPUs, 1);
    // The same unit on the Run:ai face shows the job's allocation.
    const seen = await hub.api<{ status: { quotaStatus: { allocated: { gpu: number } } } }>(
      "GET",
      `${P}/${project.id}`,
    );
    assert.equal(seen.body.status.quotaStatus.allocated.gpu, 1);
    // The OpenPAI job is non-preemptible work of the project: Run:ai may not lower its quota below
    // it, through the new API or the deprecated one (Run:ai's own 400s).
    const lower = await hub.api<{ code: number; message: string }>("PUT", `${P}/${project.id}/resources`, [
      { nodePool: { id: "default" }, gpu: { deserved: 0 } },
    ]);
    assert.equal(lower.status, 400, lower.text);
    assert.equal(
      lower.body.message,
      "resources.gpu.deserved: cannot go below the 1 GPUs non-preemptible workloads use in node pool default",
    );
    const old = await hub.api<{ code: number; message: string }>(
      "PUT",
      `/v1/k8s/clusters/${clusterId}/projects/${project.id}`,
      { deservedGpus: 0 },
    );
    assert.equal(old.status, 400, old.text);
    assert.match(old.body.message, /^nodePoolsResources\.gpu\.deserved: cannot go below the 1 GPUs/);
    // Its alias is accepted too; its quota stays Run:ai's to write.
    const byAlias = await hub.api("POST", "/api/v2/jobs", job("by-alias", "team_a", 1));
    assert.equal(byAlias.status, 202, byAlias.text);
    assert.equal(hub.hub.core.workloads.findByOwnerAndName(ADMIN.username, "by-alias")?.quotaUnitId, unit.id);
    const write = await hub.api<{ code: string }>("PUT", "/api/v1/virtual-clusters/team_a", {
      vcCapacity: 10,
    });
    assert.equal(write.status, 403, write.text);
    assert.equal(write.body.code, "ReadOnlyVcError");
    await stop("admin~in-project");
    await stop("admin~by-alias");
  });

  it("gives a unit a stable alias no other unit holds, and refuses a VC that would take its name", async () => {
    const vc = await hub.api("PUT", "/api/v1/virtual-clusters/team_b", { vcCapacity: 10 });
    assert.equal(vc.status, 201, vc.text);
    await runaiProject("team-b", 0);
    const names = Object.keys(await vcs());
    assert.ok(names.includes("team_b") && names.includes("team_b_2"), names.join(", "));
    const unit = hub.hub.core.quotaUnits.byName("project", "team-b");
    assert.deepEqual(unit?.aliases, ["team_b_2"], "stored once");
    assert.ok(Object.keys(await vcs()).includes("team_b_2"), "the same alias next time");
    const taken = await hub.api<{ code: string }>("PUT", "/api/v1/virtual-clusters/team_b_2", {
      vcCapacity: 5,
    });
    assert.equal(taken.status, 403, "team_b_2 is the project: read-only here");
    assert.equal(taken.body.code, "ReadOnlyVcError");
    assert.equal((await hub.api("DELETE", "/api/v1/virtual-clusters/team_b")).status, 201);
  });

  it("lists an OTE business as a Run:ai project, and a Run:ai project as an approved OTE business", async () => {
    const created = await ote.call<{ id: number; name: string }>("POST", "/v1/business", {
      name: "Vision_Lab",
      description: "cameras",
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const projects = (await hub.api<{ projects: RunaiProject[] }>("GET", P)).body.projects;
    const asProject = projects.find((p) => p.name === "vision-lab");
    assert.ok(
      asProject,
      `Vision_Lab is Run:ai project vision-lab: ${projects.map((p) => p.name).join(", ")}`,
    );
    assert.ok(Number.isInteger(asProject.id), "with a Run:ai integer id");
    // Run:ai may give the business quota (OTE businesses carry none of their own).
    const res = await hub.api<{ gpu: { deserved: number } }[]>("PUT", `${P}/${asProject.id}/resources`, [
      { nodePool: { id: "default" }, gpu: { deserved: 1 } },
    ]);
    assert.equal(res.status, 200, res.text);
    assert.equal(hub.hub.core.quotaUnits.byName("business", "Vision_Lab")?.allocations[0]?.gpu.deserved, 1);
    // A Run:ai-made project is a business on the OTE face, approved, with its own namespace.
    await runaiProject("team-c", 0);
    const list = await ote.call<{ id: number; name: string; status: number; namespace: string }[]>(
      "GET",
      "/v1/business?pageSize=100",
    );
    const asBusiness = list.body.data?.find((b) => b.name === "team-c");
    assert.ok(asBusiness, JSON.stringify(list.body.data));
    assert.equal(asBusiness.status, 1);
    assert.equal(asBusiness.namespace, `ns${asBusiness.id}`);
    assert.ok(asBusiness.id > created.body.data!.id, "OTE ids keep growing from one sequence");
    const again = await ote.call<{ name: string; namespace: string }>(
      "GET",
      `/v1/business/id/${asBusiness.id}`,
    );
    assert.equal(again.body.data?.namespace, asBusiness.namespace, "stable");
  });

  it("charges an OTE deployment in a Run:ai project's namespace to that project", async () => {
    await runaiProject("team-ote", 1);
    const unit = hub.hub.core.quotaUnits.byName("project", "team-ote");
    assert.ok(unit);
    const list = await ote.call<{ name: string; namespace: string }[]>("GET", "/v1/business?pageSize=100");
    const namespace = list.body.data?.find((b) => b.name === "team-ote")?.namespace;
    assert.ok(namespace, JSON.stringify(list.body.data));
    const app = await ote.call<{ version: string }>("POST", "/v1/app", {
      appName: "web",
      version: "1.0",
      namespace,
      image: "fake/web",
      replicas: 2,
      minReadySeconds: 0,
      cpu: 100,
      memory: 64,
    });
    assert.equal(app.status, 200, JSON.stringify(app.body));
    const deploy = await ote.call("POST", "/v1/deploy", {
      deployName: "web",
      appName: "web",
      version: app.body.data?.version,
      namespace,
      clusterLabel: "all",
      nodeLabel: "all",
    });
    assert.equal(deploy.status, 200, JSON.stringify(deploy.body));

    const replicas = () =>
      hub.hub.core.workloads.list({ states: ["pending", "running"] }).filter((w) => "replicaOf" in w.meta);
    await waitFor(() => replicas().length === 2, "2 replicas");
    assert.deepEqual(
      replicas().map((w) => w.quotaUnitId),
      [unit.id, unit.id],
      "each replica counts against team-ote",
    );
    // And the Run:ai face sees them in the project's allocation.
    const cpuMilli = replicas().reduce((t, w) => t + (w.roles[0]?.resources.cpuMilli ?? 0), 0);
    assert.ok(cpuMilli > 0);
    await waitFor(async () => {
      const projects = (await hub.api<{ projects: RunaiProject[] }>("GET", P)).body.projects;
      const project = projects.find((p) => p.name === "team-ote") as RunaiProject & {
        status: { quotaStatus: { allocated: { cpu: number } } };
      };
      return project.status.quotaStatus.allocated.cpu === cpuMilli;
    }, "team-ote's allocation shows the replicas");
    assert.equal((await ote.call("DELETE", "/v1/deploy/web")).status, 200);
    await waitFor(() => replicas().length === 0, "replicas gone");
  });

  it("refuses to lower an OpenPAI VC's capacity below its running non-preemptible jobs", async () => {
    const put = (vcCapacity: number) =>
      hub.api<{ code: string; message: string }>("PUT", "/api/v1/virtual-clusters/vc1", { vcCapacity });
    assert.equal((await put(50)).status, 201);
    const submit = await hub.api("POST", "/api/v2/jobs", job("holds-two", "vc1", 2));
    assert.equal(submit.status, 202, submit.text);
    await waitFor(async () => (await running("admin~holds-two")) === 2, "2 GPUs held");
    const lower = await put(25);
    assert.equal(lower.status, 403, lower.text);
    assert.equal(lower.body.code, "NoEnoughQuotaError");
    assert.match(
      lower.body.message,
      /vc1 would get 1 GPUs, fewer than the 2 its running non-preemptible jobs/,
    );
    assert.equal((await vcs()).vc1?.capacity, 50, "nothing changed");
    // Raising is fine, and so is lowering to what the jobs hold.
    assert.equal((await put(75)).status, 201);
    assert.equal((await put(50)).status, 201);
    await stop("admin~holds-two");
    assert.equal((await put(25)).status, 201, "once the jobs are gone");
  });

  it("lists OpenPAI's VCs (default too) as Run:ai projects and OTE businesses at their derived quota; Run:ai may not write or delete them", async () => {
    assert.equal((await hub.api("PUT", "/api/v1/virtual-clusters/vc_faces", { vcCapacity: 25 })).status, 201);
    const shares = await vcs();
    const unit = hub.hub.core.quotaUnits.byName("virtual-cluster", "vc_faces");
    const dflt = hub.hub.core.quotaUnits.byName("virtual-cluster", "default");
    assert.ok(unit && dflt);
    const listProjects = async () => {
      const res = await hub.api<{ projects: RunaiProject[] }>("GET", P);
      assert.equal(res.status, 200, res.text);
      return res.body.projects;
    };
    const first = await listProjects();
    // vc_faces is not a Kubernetes name: Run:ai shows (and finds) it as vc-faces.
    const asProject = first.find((p) => p.name === "vc-faces");
    const defaultProject = first.find((p) => p.name === "default");
    assert.ok(asProject && defaultProject, first.map((p) => p.name).join(", "));
    // Its quota as OpenPAI computed it: a share of the cluster's 4 GPUs.
    assert.equal(asProject.resources[0]?.gpu.deserved, 1, "25% of 4 GPUs");
    assert.equal(defaultProject.resources[0]?.gpu.deserved, (shares.default!.capacity * 4) / 100);
    // One integer id, on every listing and on the deprecated API.
    assert.ok(Number.isInteger(asProject.id));
    const again = await listProjects();
    assert.deepEqual(
      again.map((p) => [p.id, p.name]),
      first.map((p) => [p.id, p.name]),
    );
    const one = await hub.api<RunaiProject>("GET", `${P}/${asProject.id}`);
    assert.deepEqual([one.status, one.body.name], [200, "vc-faces"]);
    const old = await hub.api<{ id: number; name: string }[]>(
      "GET",
      `/v1/k8s/clusters/${clusterId}/projects`,
    );
    assert.deepEqual(
      old.body.filter((p) => p.name === "vc-faces").map((p) => p.id),
      [Number(asProject.id)],
    );

    // Run:ai may not write a VC's quota (OpenPAI recomputes it) nor delete it: 409, Run:ai's body.
    const refused = [
      await hub.api<{ code: number; message: string }>("PUT", `${P}/${asProject.id}/resources`, [
        { nodePool: { id: "default" }, gpu: { deserved: 2 } },
      ]),
      await hub.api<{ code: number; message: string }>("PATCH", `${P}/${asProject.id}/resources`, [
        { nodePool: { id: "default" }, gpu: { limit: 4 } },
      ]),
      await hub.api<{ code: number; message: string }>("PUT", `${P}/${asProject.id}`, {
        resources: [{ nodePool: { id: "default" }, gpu: { deserved: 2 } }],
      }),
      await hub.api<{ code: number; message: string }>(
        "PUT",
        `/v1/k8s/clusters/${clusterId}/projects/${asProject.id}`,
        { deservedGpus: 2 },
      ),
    ];
    for (const r of refused) {
      assert.equal(r.status, 409, r.text);
      assert.deepEqual(r.body, {
        code: 409,
        message:
          "project vc-faces is an OpenPAI virtual cluster: its quota is managed by OpenPAI as a share of the cluster; use OpenPAI's virtual-clusters API",
      });
    }
    for (const path of [
      `${P}/${defaultProject.id}`,
      `/v1/k8s/clusters/${clusterId}/projects/${asProject.id}`,
    ]) {
      const del = await hub.api<{ code: number; message: string }>("DELETE", path);
      assert.equal(del.status, 409, del.text);
      assert.match(
        del.body.message,
        /is an OpenPAI virtual cluster: it is managed by OpenPAI as a share of the cluster/,
      );
    }
    assert.deepEqual(hub.hub.core.quotaUnits.find(unit.id)?.allocations, unit.allocations, "nothing changed");
    assert.ok(hub.hub.core.quotaUnits.find(dflt.id), "default is still there");

    // On the OTE face: approved businesses with their own namespaces, listed under their names.
    const list = await ote.call<{ id: number; name: string; status: number; namespace: string }[]>(
      "GET",
      "/v1/business?pageSize=100",
    );
    const asBusiness = list.body.data?.find((b) => b.name === "vc_faces");
    assert.ok(asBusiness, JSON.stringify(list.body.data));
    assert.deepEqual([asBusiness.status, asBusiness.namespace], [1, `ns${asBusiness.id}`]);
    const defaultBusiness = list.body.data?.find((b) => b.name === "default");
    assert.deepEqual([defaultBusiness?.status, defaultBusiness?.namespace], [1, `ns${defaultBusiness?.id}`]);

    // An OTE deployment in the VC's namespace runs in the VC's quota.
    const ns = asBusiness.namespace;
    const app = await ote.call("POST", "/v1/app", {
      appName: "faces-web",
      version: "1.0",
      namespace: ns,
      image: "fake/web",
      replicas: 1,
      minReadySeconds: 0,
      cpu: 100,
      memory: 64,
    });
    assert.equal(app.status, 200, JSON.stringify(app.body));
    const deploy = await ote.call("POST", "/v1/deploy", {
      deployName: "faces-web",
      appName: "faces-web",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "all",
    });
    assert.equal(deploy.status, 200, JSON.stringify(deploy.body));
    assert.equal(hub.hub.core.replicatedServices.byName(ns, "faces-web").quotaUnitId, unit.id);
    await waitFor(
      () =>
        hub.hub.core.workloads
          .list({ states: ["running"] })
          .some((w) => w.quotaUnitId === unit.id && w.name.includes("faces-web")),
      "a replica running in vc_faces",
    );
    const del = await ote.call("DELETE", `/v1/deploy/faces-web?namespace=${ns}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
  });
});
