/**
 * OTE-stack as its API document shows it: every documented route is called with the document's
 * own example request (headers, body fields) and its status, error code and response fields are
 * checked against the document. One table row per documented route, in the document's order;
 * rows run in order and share what earlier rows made (ids, tokens).
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeHardware } from "../helpers/fake-hardware";
import { OteClient, type OteAnswer } from "../helpers/otestack-client";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { requireRegistry, type TestRegistry } from "../helpers/registry";
import { waitFor } from "../helpers/wait";
import { pushTinyImage } from "../helpers/registry-push";

/** What rows share: clients by role and ids that earlier rows learnt. */
interface World {
  hub: TestHub;
  admin: OteClient;
  u1: OteClient;
  /** A general user in u1's business (made by u1). */
  sub2: OteClient;
  anonymous: OteClient;
  /** The test registry behind /v1/repository. */
  registryUrl: string;
  ids: Record<string, number>;
}

/** One documented route: its example request and what the document says comes back. */
interface Row {
  /** "METHOD /documented/path" */
  route: string;
  /** Who sends it (a logged-in client, or anonymous). @default "admin" */
  as?: "admin" | "u1" | "sub2" | "anonymous";
  /** The document's example request (method, path with the example's ids, body). */
  example: (w: World) => { method: string; path: string; body?: unknown };
  /** Sends the example another way than JSON (multipart); the default sends `example` as JSON. */
  send?: (w: World, client: OteClient) => Promise<OteAnswer>;
  /** The document's answer: HTTP status and envelope code (both 200 unless said). */
  status?: number;
  /** Keys the document shows in `data` (or each element of it). */
  dataFields?: readonly string[];
  /** Keys the document shows at the top level of the answer. */
  topFields?: readonly string[];
  /** Further checks against the document (and what later rows need from this answer). */
  check?: (body: OteAnswer["body"] & Record<string, unknown>, w: World) => void | Promise<void>;
}

const hasFields = (obj: unknown, fields: readonly string[], where: string) => {
  assert.ok(obj !== null && typeof obj === "object", `${where}: not an object: ${JSON.stringify(obj)}`);
  for (const f of fields) assert.ok(f in obj, `${where}: no "${f}" in ${JSON.stringify(obj)}`);
};

/** Runs the rows as one `it` each, in order. */
export function documentRows(rows: Row[], world: () => World): void {
  for (const row of rows) {
    it(row.route, async () => {
      const w = world();
      const client = w[row.as ?? "admin"];
      const req = row.example(w);
      const res = row.send ? await row.send(w, client) : await client.call(req.method, req.path, req.body);
      const status = row.status ?? 200;
      assert.equal(res.status, status, `${row.route}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, status);
      assert.equal(typeof res.body.message, "string");
      const body = res.body as OteAnswer["body"] & Record<string, unknown>;
      if (row.topFields) hasFields(body, row.topFields, row.route);
      if (row.dataFields) {
        const data = body.data;
        const items = Array.isArray(data) ? data : [data];
        assert.ok(items.length > 0, `${row.route}: empty data`);
        for (const item of items) hasFields(item, row.dataFields, row.route);
      }
      await row.check?.(body, w);
    });
  }
}

const USER_FIELDS = ["id", "user", "status", "realName", "phone", "createTime", "updateTime"] as const;

/** User Management 1-11. */
const userRows: Row[] = [
  {
    route: "POST /v1/user",
    as: "anonymous",
    // The document's example misses a comma after realName; this is its JSON as meant.
    example: () => ({
      method: "POST",
      path: "/v1/user",
      body: { user: "u1", password: "xxX@1234", phone: "12345678910", realName: "hello", isAdmin: true },
    }),
  },
  {
    route: "POST /v1/user (realName and phone are required)",
    as: "anonymous",
    example: () => ({
      method: "POST",
      path: "/v1/user",
      body: { user: "u9", password: "xxX@1234", isAdmin: false },
    }),
    status: 422,
  },
  {
    route: "GET /v1/admin/user",
    example: () => ({ method: "GET", path: "/v1/admin/user" }),
    dataFields: USER_FIELDS,
    topFields: ["data", "total"],
    check: (b, w) => {
      const u1 = (b.data as { id: number; user: string; status: number; realName: string }[]).find(
        (u) => u.user === "u1",
      );
      assert.ok(u1);
      assert.equal(u1.status, 0);
      assert.equal(u1.realName, "hello");
      w.ids["u1"] = u1.id;
    },
  },
  {
    route: "GET /v1/admin/user?orderBy=user_name&order=desc",
    example: () => ({ method: "GET", path: "/v1/admin/user?orderBy=user_name&order=desc" }),
    check: (b) => {
      const names = (b.data as { user: string }[]).map((u) => u.user);
      assert.deepEqual(names, [...names].sort().reverse());
    },
  },
  {
    route: "PUT /v1/admin/user/[userId] (status 0)",
    example: (w) => ({ method: "PUT", path: `/v1/admin/user/${w.ids["u1"]}`, body: { status: 0 } }),
  },
  {
    route: "PUT /v1/admin/user/[userId] (status 1: approve)",
    example: (w) => ({ method: "PUT", path: `/v1/admin/user/${w.ids["u1"]}`, body: { status: 1 } }),
  },
  {
    route: "POST /v1/authorization",
    as: "anonymous",
    example: () => ({
      method: "POST",
      path: "/v1/authorization",
      body: { user: "u1", password: "xxX@1234" },
    }),
    topFields: ["token"],
    check: (b, w) => {
      w.u1.token = b.token as string;
    },
  },
  {
    route: "GET /v1/authorization",
    as: "u1",
    example: () => ({ method: "GET", path: "/v1/authorization" }),
    dataFields: [
      "displayName",
      "hasRepoAccount",
      "role",
      "privateProject",
      "enableIngress",
      "enableAlert",
      "enableAdminAutoDeploy",
    ],
    check: (b) => {
      const d = b.data as { displayName: string; role: number };
      assert.equal(d.displayName, "u1");
      // Approved, asked to be an administrator, no business yet: the document's business administrator.
      assert.equal(d.role, 3);
    },
  },
  {
    route: "PUT /v1/authorization",
    as: "u1",
    example: () => ({ method: "PUT", path: "/v1/authorization" }),
    topFields: ["token"],
    check: (b, w) => {
      w.u1.token = b.token as string;
    },
  },
  {
    route: "PUT /v1/user",
    as: "u1",
    example: () => ({
      method: "PUT",
      path: "/v1/user",
      body: { oldPassword: "xxX@1234", password: "yyY@1234" },
    }),
  },
  {
    route: "PUT /v1/admin/user/[userId]/password",
    example: (w) => ({
      method: "PUT",
      path: `/v1/admin/user/${w.ids["u1"]}/password`,
      body: { password: "xxX@1234" },
    }),
    check: async (_b, w) => {
      await w.u1.login("u1", "xxX@1234");
    },
  },
  {
    route: "POST /v1/admin/user",
    example: () => ({
      method: "POST",
      path: "/v1/admin/user",
      body: { user: "sub1", password: "xxX@1234", phone: "12345678911", isAdmin: false, realName: "sub" },
    }),
    check: (b, w) => {
      w.ids["sub1"] = (b.data as { id: number }).id;
    },
  },
  {
    route: "DELETE /v1/admin/user/[userid]",
    example: (w) => ({ method: "DELETE", path: `/v1/admin/user/${w.ids["sub1"]}` }),
    check: async (_b, w) => {
      const list = await w.admin.call<{ user: string }[]>("GET", "/v1/admin/user?pageSize=0");
      assert.ok(!list.body.data?.some((u) => u.user === "sub1"));
    },
  },
];

const BUSINESS_LIST_FIELDS = [
  "name",
  "userId",
  "comment",
  "id",
  "status",
  "createTime",
  "updateTime",
] as const;

/** Business Management 1-4. */
const businessRows: Row[] = [
  {
    route: "POST /v1/business",
    as: "u1",
    example: () => ({
      method: "POST",
      path: "/v1/business",
      body: { name: "name", introduce: "intrduce", objective: "objective", scale: "scale" },
    }),
    check: (b, w) => {
      w.ids["business"] = (b.data as { id: number }).id;
    },
  },
  {
    route: "POST /v1/business (an administrator has one business)",
    as: "u1",
    example: () => ({
      method: "POST",
      path: "/v1/business",
      body: { name: "second", introduce: "i", objective: "o", scale: "s" },
    }),
    status: 409,
  },
  {
    route: "POST /v1/business (introduce, objective and scale are required)",
    as: "u1",
    example: () => ({ method: "POST", path: "/v1/business", body: { name: "third", introduce: "i" } }),
    status: 422,
  },
  {
    route: "PUT /v1/business/id/[id]",
    example: (w) => ({
      method: "PUT",
      path: `/v1/business/id/${w.ids["business"]}`,
      body: { comment: "pass", status: 1 },
    }),
  },
  {
    route: "GET /v1/business",
    as: "u1",
    example: () => ({ method: "GET", path: "/v1/business?name=nam&order=desc" }),
    topFields: ["data", "total"],
    dataFields: BUSINESS_LIST_FIELDS,
    check: (b, w) => {
      const [biz] = b.data as { name: string; userId: number; status: number; comment: string }[];
      assert.deepEqual(
        { name: biz?.name, userId: biz?.userId, status: biz?.status, comment: biz?.comment },
        { name: "name", userId: w.ids["u1"], status: 1, comment: "pass" },
      );
    },
  },
  {
    route: "GET /v1/business (name filter)",
    example: () => ({ method: "GET", path: "/v1/business?name=nomatch" }),
    check: (b) => assert.equal(b.total, 0),
  },
  {
    route: "GET /v1/business/id/[id]",
    as: "u1",
    example: (w) => ({ method: "GET", path: `/v1/business/id/${w.ids["business"]}` }),
    dataFields: ["name", "userId", "introduce", "objective", "scale", ...BUSINESS_LIST_FIELDS],
    check: (b) => {
      const d = b.data as { introduce: string; objective: string; scale: string };
      assert.deepEqual([d.introduce, d.objective, d.scale], ["intrduce", "objective", "scale"]);
    },
  },
];

/** Cluster Management 1-5 and Node Management 1-4 (clusters GuangZhou and BeiJing, nodes GZ1 and BJ1). */
const clusterRows: Row[] = [
  {
    route: "POST /v1/cluster/label",
    example: () => ({
      method: "POST",
      path: "/v1/cluster/label",
      body: { clusterLabel: "label1", clusterName: ["GuangZhou", "BeiJing"] },
    }),
  },
  {
    route: "GET /v1/cluster",
    example: () => ({ method: "GET", path: "/v1/cluster?clusterLabel=all&page=1&pageSize=10" }),
    topFields: ["data", "total"],
    dataFields: ["clusterName", "nodeCount", "isReady"],
    check: (b) => assert.equal(b.total, 2),
  },
  {
    route: "GET /v1/cluster/label",
    example: () => ({ method: "GET", path: "/v1/cluster/label" }),
    check: (b) => assert.deepEqual(b.data, ["label1"]),
  },
  {
    route: "GET /v1/cluster/label/[clusterName]",
    example: () => ({ method: "GET", path: "/v1/cluster/label/GuangZhou?page=1&pageSize=10" }),
    topFields: ["data", "total"],
    dataFields: ["clusterLabel", "createTime"],
    check: (b) => assert.equal((b.data as { clusterLabel: string }[])[0]?.clusterLabel, "label1"),
  },
  {
    route: "DELETE /v1/cluster/label",
    example: () => ({
      method: "DELETE",
      path: "/v1/cluster/label",
      body: { clusterLabel: "label1", clusterName: ["GuangZhou", "BeiJing"] },
    }),
    check: async (_b, w) => assert.deepEqual((await w.admin.call("GET", "/v1/cluster/label")).body.data, []),
  },
  {
    route: "GET /v1/node",
    example: () => ({ method: "GET", path: "/v1/node" }),
    topFields: ["data", "total", "meta"],
    dataFields: [
      "nodeName",
      "operatingSystem",
      "clusterName",
      "kernelVersion",
      "isReady",
      "ip",
      "memory",
      "cpu",
      "gpu",
      "disk",
    ],
    check: (b) => {
      const gz = (b.data as { nodeName: string; memory: number; disk: number }[]).find(
        (n) => n.nodeName === "GZ1",
      );
      // fakeHardware: 32768 MiB of memory and a 100000 MiB disk, in bytes as documented.
      assert.equal(gz?.memory, 32768 * 1024 * 1024);
      assert.equal(gz?.disk, 100_000 * 1024 * 1024);
      assert.equal((b.meta as { readyNodeCount: number }).readyNodeCount, 2);
    },
  },
  {
    route: "POST /v1/node/label",
    example: () => ({
      method: "POST",
      path: "/v1/node/label",
      body: { nodeLabel: "label1", clusterName: "GuangZhou", nodeName: ["GZ1"] },
    }),
  },
  {
    route: "GET /v1/node/label",
    example: () => ({ method: "GET", path: "/v1/node/label?clusterName=GuangZhou" }),
    check: (b) => assert.deepEqual(b.data, ["label1"]),
  },
  {
    route: "DELETE /v1/node/label",
    example: () => ({
      method: "DELETE",
      path: "/v1/node/label",
      body: { nodeLabel: "label1", clusterName: "GuangZhou", nodeName: ["GZ1"], deleteDeploy: true },
    }),
    check: async (_b, w) =>
      assert.deepEqual((await w.admin.call("GET", "/v1/node/label?clusterName=GuangZhou")).body.data, []),
  },
];

const TIMES = ["createTime", "updateTime"] as const;

/** Repository Management 1-4 and 7: images, tags and projects of the hub's registry. */
const imageRows: Row[] = [
  {
    route: "GET /v1/repository/image",
    example: () => ({ method: "GET", path: "/v1/repository/image?projectName=test" }),
    topFields: ["data", "total"],
    dataFields: ["projectName", "public", "imageName", "imageAddress", ...TIMES],
    check: (b, w) => {
      const rows = b.data as {
        projectName: string;
        imageName: string;
        imageAddress: string;
        createTime: number;
      }[];
      assert.deepEqual(
        rows.map((r) => [r.projectName, r.imageName, r.imageAddress, r.createTime]),
        [["test", "test/test-demo1", `${new URL(w.registryUrl).host}/test/test-demo1`, 1551758321]],
      );
    },
  },
  {
    route: "GET /v1/repository/image/tag?imageName=[imageName]",
    example: () => ({ method: "GET", path: "/v1/repository/image/tag?imageName=test/test-demo1" }),
    topFields: ["data", "total"],
    dataFields: ["tag", "imageAddress", ...TIMES],
    check: (b) => assert.deepEqual((b.data as { tag: string }[]).map((t) => t.tag).sort(), ["latest", "v1"]),
  },
  {
    route: "GET /v1/repository/image/tag (400 without imageName)",
    example: () => ({ method: "GET", path: "/v1/repository/image/tag" }),
    status: 400,
  },
  {
    route: "GET /v1/repository/project",
    example: () => ({ method: "GET", path: "/v1/repository/project" }),
    topFields: ["data", "total"],
    dataFields: ["projectId", "projectName", "public", "imageCount", ...TIMES],
    check: (b, w) => {
      w.ids["test2"] = (b.data as { projectId: number; projectName: string }[]).find(
        (p) => p.projectName === "test2",
      )?.projectId as number;
      assert.deepEqual(
        (b.data as { projectName: string; imageCount: number }[])
          .map((p) => [p.projectName, p.imageCount])
          .sort(),
        [
          ["test", 1],
          ["test2", 1],
        ],
      );
    },
  },
  {
    route: "DELETE /v1/repository/image/tag",
    example: () => ({
      method: "DELETE",
      path: "/v1/repository/image/tag",
      body: { imageName: "test2/test-demo2", tag: ["v2"] },
    }),
    check: async (_b, w) => {
      const tags = await w.admin.call<{ tag: string }[]>(
        "GET",
        "/v1/repository/image/tag?imageName=test2/test-demo2",
      );
      assert.deepEqual(
        tags.body.data?.map((t) => t.tag),
        ["latest"],
      );
    },
  },
  {
    route: "DELETE /v1/repository/image",
    example: () => ({
      method: "DELETE",
      path: "/v1/repository/image",
      body: { imageName: ["test/test-demo1"] },
    }),
    check: async (_b, w) =>
      assert.equal((await w.admin.call("GET", "/v1/repository/image?projectName=test")).body.total, 0),
  },
  {
    route: "DELETE /v1/repository/image (400 without a list)",
    example: () => ({ method: "DELETE", path: "/v1/repository/image", body: { imageName: [] } }),
    status: 400,
  },
];

/** Repository Management 5-9 (after 1-4: test/test-demo1 is gone, test2/test-demo2 keeps a tag). */
const spaceRows: Row[] = [
  {
    route: "GET /v1/repository/image (400 without projectName)",
    example: () => ({ method: "GET", path: "/v1/repository/image" }),
    status: 400,
    check: (b) => assert.equal(b.field, "projectName"),
  },
  {
    route: "POST /v1/repository/user",
    as: "u1",
    // The example's "xxxx" stands for a password; Harbor's rule (8+ with upper, lower, digit) holds.
    example: () => ({
      method: "POST",
      path: "/v1/repository/user",
      body: { user: "user1", password: "xxX@1234" },
    }),
    check: async (_b, w) => {
      const me = await w.u1.call<{ hasRepoAccount: boolean }>("GET", "/v1/authorization");
      assert.equal(me.body.data?.hasRepoAccount, true);
      const admin = await w.admin.call<{ hasRepoAccount: boolean }>("GET", "/v1/authorization");
      assert.equal(admin.body.data?.hasRepoAccount, false);
    },
  },
  {
    route: "POST /v1/repository/user (409 username conflict)",
    example: () => ({
      method: "POST",
      path: "/v1/repository/user",
      body: { user: "user1", password: "xxX@1234" },
    }),
    status: 409,
  },
  {
    route: "POST /v1/repository/user (400 unsatisfied constraints)",
    example: () => ({ method: "POST", path: "/v1/repository/user", body: { user: "adm", password: "xxxx" } }),
    status: 400,
    check: (b) => assert.equal(b.field, "password"),
  },
  {
    route: "POST /v1/repository/user (415 not application/json)",
    example: () => ({ method: "POST", path: "/v1/repository/user" }),
    send: async (w, client) => {
      const res = await fetch(`${w.hub.hub.httpUrl}/v1/repository/user`, {
        method: "POST",
        headers: { authorization: client.token ?? "", "content-type": "application/x-www-form-urlencoded" },
        body: "user=adm&password=xxX%401234",
      });
      return { status: res.status, body: (await res.json()) as OteAnswer["body"] };
    },
    status: 415,
  },
  {
    route: "PUT /v1/repository/user",
    as: "u1",
    example: () => ({ method: "PUT", path: "/v1/repository/user", body: { password: "yyY@1234" } }),
    check: (_b, w) => {
      const u1 = w.hub.hub.core.users.list().find((u) => u.username === "u1");
      const account = u1 && w.hub.hub.core.registryAccounts.of(u1.id);
      assert.equal(account?.username, "user1");
      assert.equal(w.hub.hub.core.secretBox.open(account.passwordSealed), "yyY@1234");
    },
  },
  {
    route: "PUT /v1/repository/user (400 without a repository account)",
    example: () => ({ method: "PUT", path: "/v1/repository/user", body: { password: "yyY@1234" } }),
    status: 400,
  },
  {
    route: "POST /v1/repository/project",
    as: "u1",
    example: () => ({
      method: "POST",
      path: "/v1/repository/project",
      body: { projectName: "calico", public: true },
    }),
    check: async (b, w) => {
      w.ids["calico"] = (b.data as { projectId: number }).projectId;
      const list = await w.u1.call<
        { projectId: number; projectName: string; public: boolean; imageCount: number }[]
      >("GET", "/v1/repository/project?projectName=calico");
      assert.deepEqual(
        list.body.data?.map((p) => [p.projectId, p.projectName, p.public, p.imageCount]),
        [[w.ids["calico"], "calico", true, 0]],
      );
    },
  },
  {
    route: "POST /v1/repository/project (a private one: its owner and administrators see it)",
    as: "u1",
    example: () => ({
      method: "POST",
      path: "/v1/repository/project",
      body: { projectName: "secret", public: false },
    }),
    check: async (_b, w) => {
      const names = async (c: OteClient) =>
        (
          await c.call<{ projectName: string }[]>("GET", "/v1/repository/project?public=false")
        ).body.data?.map((p) => p.projectName);
      assert.deepEqual(await names(w.u1), ["secret"]);
      assert.deepEqual(await names(w.admin), ["secret"]);
      const imgs = await w.u1.call("GET", "/v1/repository/image?projectName=secret");
      assert.deepEqual([imgs.status, imgs.body.total], [200, 0]);
    },
  },
  {
    route: "POST /v1/repository/project (409 the name exists)",
    example: () => ({
      method: "POST",
      path: "/v1/repository/project",
      body: { projectName: "test2", public: true },
    }),
    status: 409,
  },
  {
    route: "POST /v1/repository/project (400 without public)",
    example: () => ({ method: "POST", path: "/v1/repository/project", body: { projectName: "nopub" } }),
    status: 400,
    check: (b) => assert.equal(b.field, "public"),
  },
  {
    route: "DELETE /v1/repository/project",
    as: "u1",
    example: (w) => ({
      method: "DELETE",
      path: "/v1/repository/project",
      body: { projectId: [w.ids["calico"]] },
    }),
    check: async (_b, w) => {
      const list = await w.u1.call<{ projectName: string }[]>("GET", "/v1/repository/project");
      assert.ok(!list.body.data?.some((p) => p.projectName === "calico"));
    },
  },
  {
    route: "DELETE /v1/repository/project (400 while it has images)",
    example: (w) => ({
      method: "DELETE",
      path: "/v1/repository/project",
      body: { projectId: [w.ids["test2"]] },
    }),
    status: 400,
  },
];

/** Repository Management 10-13: external repositories. */
const thirdRows: Row[] = [
  {
    route: "POST /v1/repository/third",
    example: () => ({
      method: "POST",
      path: "/v1/repository/third",
      body: { repositoryId: "repo1", address: "127.0.0.1", user: "user1", password: "password1" },
    }),
  },
  {
    route: "GET /v1/repository/third",
    example: () => ({ method: "GET", path: "/v1/repository/third?pageSize=0" }),
    topFields: ["data", "total"],
    dataFields: ["id", "repositoryId", "address", "user"],
    check: (b) => {
      assert.deepEqual(
        (b.data as Record<string, unknown>[])
          .filter((r) => r["repositoryId"] === "repo1")
          .map((r) => [r["repositoryId"], r["address"], r["user"], r["password"]]),
        [["repo1", "127.0.0.1", "user1", undefined]],
      );
    },
  },
  {
    route: "GET /v1/repository/third/[repoId]",
    example: () => ({ method: "GET", path: "/v1/repository/third/repo1" }),
    dataFields: ["repositoryId", "address", "user"],
  },
  {
    route: "GET /v1/repository/third/[repoId] (404 when none)",
    example: () => ({ method: "GET", path: "/v1/repository/third/nothere" }),
    status: 404,
  },
];
const thirdDeleteRows: Row[] = [
  {
    route: "DELETE /v1/repository/third",
    example: () => ({ method: "DELETE", path: "/v1/repository/third", body: { repositoryId: ["repo2"] } }),
    check: async (_b, w) =>
      assert.equal((await w.admin.call("GET", "/v1/repository/third/repo2")).status, 404),
  },
];

/** The document's POST /v1/app example (its trailing comma dropped). */
const NGINX_APP = {
  appName: "nginx1",
  deployType: "deployment",
  image: "nginx:latest",
  version: "1.2",
  repositoryId: "repo1",
  replicas: 10,
  port: [{ port: 8080, hostPort: 9090 }],
  command: "",
  volume: [
    { path: "/host/usr/bin", hostPath: "/usr/bin", readOnly: true },
    { path: "/host/usr/sbin", hostPath: "/usr/sbin", readOnly: true },
  ],
  env: [{ name: "NGINX_PATH", value: "/usr/share/nginx/" }],
  minReplicas: 2,
  maxReplicas: 20,
  minCPU: 10,
  maxCPU: 200,
  isHPA: true,
  targetCPUUtilization: 100,
  targetMemUtilization: 150,
  minMemory: 100,
  maxMemory: 200,
  maxUnavailable: 1,
  maxSurge: 1,
  minReadySeconds: 10,
};
const WEB_APP = { ...NGINX_APP, appName: "web", replicas: 1, isHPA: false, minReadySeconds: 0 };
const APP_FIELDS = [
  "id",
  "appName",
  "status",
  "deployType",
  "image",
  "projectName",
  "repositoryId",
  "version",
  "replicas",
  "port",
  "command",
  "volume",
  "dependence",
  "env",
  "minReplicas",
  "maxReplicas",
  "minCPU",
  "maxCPU",
  "GPU",
  "isHPA",
  "targetCPUUtilization",
  "targetMemUtilization",
  "minMemory",
  "maxMemory",
  "maxUnavailable",
  "maxSurge",
  "minReadySeconds",
  "createTime",
  "updateTime",
] as const;

/** Application Management 1-5. */
const appRows: Row[] = [
  {
    route: "POST /v1/app",
    as: "u1",
    example: () => ({ method: "POST", path: "/v1/app", body: NGINX_APP }),
  },
  {
    route: "POST /v1/app (maxCPU is required)",
    as: "u1",
    example: () => ({ method: "POST", path: "/v1/app", body: { ...NGINX_APP, maxCPU: undefined } }),
    status: 422,
    check: (b) => assert.equal(b.field, "maxCPU"),
  },
  {
    route: "GET /v1/app",
    as: "u1",
    example: () => ({ method: "GET", path: "/v1/app?appName=nginx1&appNameMode=strict" }),
    topFields: ["apps", "total"],
    check: (b, w) => {
      const apps = b["apps"] as Record<string, unknown>[];
      assert.equal(apps.length, 1);
      for (const app of apps) hasFields(app, APP_FIELDS, "GET /v1/app");
      const [app] = apps as (typeof NGINX_APP & { id: number; version: string })[];
      assert.ok(app);
      assert.equal(app.version, "1.2.0");
      assert.deepEqual(app.env, NGINX_APP.env);
      assert.deepEqual(app.volume, NGINX_APP.volume);
      assert.equal(app.repositoryId, "repo1");
      assert.equal(app.command, "");
      assert.equal((app as unknown as { status: number }).status, 1);
      assert.deepEqual([app.minCPU, app.maxCPU, app.minMemory, app.maxMemory], [0.1, 2, 100, 200]);
      w.ids["app"] = app.id;
    },
  },
  {
    route: "GET /v1/app (appNameMode strict finds no partial match)",
    as: "u1",
    example: () => ({ method: "GET", path: "/v1/app?appName=nginx&appNameMode=strict" }),
    check: (b) => assert.deepEqual(b["apps"], []),
  },
  {
    route: "GET /v1/app/id/{appId}",
    as: "u1",
    example: (w) => ({ method: "GET", path: `/v1/app/id/${w.ids["app"]}` }),
    dataFields: APP_FIELDS,
  },
  {
    route: "POST /v1/app/chart",
    as: "u1",
    example: () => ({ method: "POST", path: "/v1/app/chart" }),
    send: async (w, client) => {
      const form = new FormData();
      form.set("version", "1.2");
      form.set("appName", "test1");
      form.set("chart", new Blob([Buffer.from("chart tgz bytes")]), "test1-1.2.tgz");
      const res = await fetch(`${w.hub.hub.httpUrl}/v1/app/chart`, {
        method: "POST",
        headers: { authorization: client.token ?? "" },
        body: form,
      });
      return { status: res.status, body: (await res.json()) as OteAnswer["body"] };
    },
  },
  {
    route: "DELETE /v1/app",
    as: "u1",
    example: (w) => ({ method: "DELETE", path: "/v1/app", body: { appId: [w.ids["spare"]] } }),
    check: async (_b, w) =>
      assert.equal((await w.u1.call("GET", `/v1/app/id/${w.ids["spare"]}`)).status, 404),
  },
];

const DEPLOY_FIELDS = [
  "id",
  "deployName",
  "appName",
  "version",
  "cluster",
  "nodeLabel",
  "comment",
  "deployType",
  "status",
  "createTime",
  "updateTime",
  "editable",
  "errorMessage",
  "auditComment",
] as const;

/** Waits until the deployment's rollout has converged (a new operation may be asked). */
const editableAgain = (w: World) =>
  waitFor(
    async () =>
      (await w.u1.call<{ editable: boolean }>("GET", `/v1/deploy/id/${w.ids["deploy"]}`)).body.data?.editable,
    "deployment editable again",
    20_000,
    50,
  );

/** Deployment Management 1-9 (clusters labelled cluster1, node GZ1 labelled node1). */
const deployRows: Row[] = [
  {
    route: "POST /v1/deploy",
    as: "u1",
    example: () => ({
      method: "POST",
      path: "/v1/deploy",
      body: {
        deployName: "nginx1",
        appName: "web",
        version: "1.2.0",
        cluster: "cluster1",
        nodeLabel: "node1",
        comment: "",
      },
    }),
    check: async (_b, w) => {
      // The app's port, env, limits and pull secret reach the replicas it runs.
      const role = await waitFor(
        () =>
          w.hub.hub.core.workloads
            .list()
            .flatMap((x) => x.roles)
            .find((r) => r.name === "nginx1"),
        "a replica of nginx1",
      );
      assert.deepEqual(
        role.ports.map((p) => [p.containerPort, p.hostPort, p.protocol]),
        [[8080, 9090, "tcp"]],
      );
      assert.equal(role.env["NGINX_PATH"], "/usr/share/nginx/");
      // minCPU 10 % and minMemory 100 MB are reserved; maxCPU 200 % and maxMemory 200 MB are the limits.
      assert.deepEqual(role.resources, { cpuMilli: 100, memoryMiB: 100, gpu: 0 });
      assert.deepEqual(role.limits, { cpuMilli: 2000, memoryMiB: 200 });
      assert.ok(role.pullSecret);
      // What the node's agent is sent: the limits and the document's host paths as binds.
      const gz1 = w.hub.hub.core.nodes.list().find((n) => n.name === "GZ1");
      assert.ok(gz1);
      const sent = await waitFor(
        () => w.hub.hub.core.desired.forNode(gz1.id).find((t) => t.name.startsWith("nginx1-")),
        "nginx1's desired task on GZ1",
      );
      assert.deepEqual([sent.cpuMilli, sent.memoryMiB], [2000, 200]);
      assert.deepEqual(sent.hostPaths, [
        { hostPath: "/usr/bin", mountPath: "/host/usr/bin", readOnly: true },
        { hostPath: "/usr/sbin", mountPath: "/host/usr/sbin", readOnly: true },
      ]);
    },
  },
  {
    route: "GET /v1/deploy",
    as: "u1",
    example: () => ({ method: "GET", path: "/v1/deploy?pageSize=10&page=1" }),
    topFields: ["data", "total"],
    dataFields: DEPLOY_FIELDS,
    check: (b, w) => {
      const d = (b.data as { id: number; deployName: string; cluster: string; nodeLabel: string }[]).find(
        (x) => x.deployName === "nginx1",
      );
      assert.deepEqual([d?.cluster, d?.nodeLabel], ["cluster1", "node1"]);
      w.ids["deploy"] = d?.id ?? 0;
    },
  },
  {
    route: "GET /v1/deploy/id/{deployId}",
    as: "u1",
    example: (w) => ({ method: "GET", path: `/v1/deploy/id/${w.ids["deploy"]}` }),
    dataFields: DEPLOY_FIELDS,
    check: async (_b, w) => {
      await editableAgain(w);
      // The document's codes: deployType 1 new deployment, status 5 success.
      const d = await w.u1.call<{ deployType: number; status: number }>(
        "GET",
        `/v1/deploy/id/${w.ids["deploy"]}`,
      );
      assert.deepEqual([d.body.data?.deployType, d.body.data?.status], [1, 5]);
    },
  },
  {
    route: "GET /v1/deploy (appNameMode, editable and running filters)",
    as: "u1",
    example: () => ({
      method: "GET",
      path: "/v1/deploy?appName=we&appNameMode=prefix&editable=all&running=true",
    }),
    check: async (b, w) => {
      assert.deepEqual(
        (b.data as { deployName: string }[]).map((d) => d.deployName),
        ["nginx1"],
      );
      for (const q of ["appName=we&appNameMode=strict", "appName=eb", "running=true&editable=false"])
        if (q === "appName=eb") assert.equal((await w.u1.call("GET", `/v1/deploy?${q}`)).body.total, 1, q);
        else assert.equal((await w.u1.call("GET", `/v1/deploy?${q}`)).body.total, 0, q);
    },
  },
  {
    route: "POST /v1/deploy/id/{deployId}",
    as: "u1",
    example: (w) => ({
      method: "POST",
      path: `/v1/deploy/id/${w.ids["deploy"]}`,
      body: { version: "1.2.1" },
    }),
    check: async (_b, w) => {
      const d = await w.u1.call<{ targetVersion: string }>("GET", `/v1/deploy/id/${w.ids["deploy"]}`);
      assert.equal(d.body.data?.targetVersion, "1.2.1");
      await editableAgain(w);
    },
  },
  {
    route: "PUT /v1/deploy/id/{deployId}",
    as: "u1",
    example: (w) => ({
      method: "PUT",
      path: `/v1/deploy/id/${w.ids["deploy"]}`,
      body: { version: "1.2.0", comment: "" },
    }),
    check: async (_b, w) => {
      const d = await w.u1.call<{ targetVersion: string }>("GET", `/v1/deploy/id/${w.ids["deploy"]}`);
      assert.equal(d.body.data?.targetVersion, "1.2.0");
      await editableAgain(w);
      const after = await w.u1.call<{ deployType: number; status: number }>(
        "GET",
        `/v1/deploy/id/${w.ids["deploy"]}`,
      );
      assert.deepEqual([after.body.data?.deployType, after.body.data?.status], [3, 5]);
    },
  },
  {
    route: "POST /v1/deploy (a general user's deployment waits for audit)",
    as: "sub2",
    example: () => ({
      method: "POST",
      path: "/v1/deploy",
      body: {
        deployName: "nginx2",
        appName: "web",
        version: "1.2.0",
        cluster: "all",
        nodeLabel: "all",
        comment: "",
      },
    }),
  },
  {
    route: "GET /v1/admin/deploy",
    as: "u1",
    example: () => ({ method: "GET", path: "/v1/admin/deploy" }),
    topFields: ["data", "total"],
    dataFields: [
      "id",
      "businessName",
      "appName",
      "version",
      "cluster",
      "deployId",
      "deployType",
      "status",
      "comment",
      "createTime",
      "updateTime",
    ],
    check: (b, w) => {
      const [row] = b.data as { deployId: number; businessName: string; cluster: string; status: number }[];
      assert.deepEqual([row?.businessName, row?.cluster, row?.status], ["name", "all", 0]);
      w.ids["audit"] = row?.deployId ?? 0;
    },
  },
  {
    route: "PUT /v1/admin/deploy (the document's example: status 0 keeps it waiting)",
    as: "u1",
    example: (w) => ({
      method: "PUT",
      path: "/v1/admin/deploy",
      body: { id: w.ids["audit"], status: 0, comment: "xxxx" },
    }),
    check: async (_b, w) => {
      const waiting = await w.u1.call<{ deployId: number }[]>("GET", "/v1/admin/deploy");
      assert.deepEqual(
        waiting.body.data?.map((r) => r.deployId),
        [w.ids["audit"]],
      );
      const d = await w.u1.call<{ auditComment: string }>("GET", `/v1/deploy/id/${w.ids["audit"]}`);
      assert.equal(d.body.data?.auditComment, "xxxx");
    },
  },
  {
    route: "PUT /v1/admin/deploy",
    as: "u1",
    example: (w) => ({
      method: "PUT",
      path: "/v1/admin/deploy",
      body: { id: w.ids["audit"], status: 1, comment: "xxxx" },
    }),
    check: async (_b, w) => {
      const waiting = await w.u1.call<unknown[]>("GET", "/v1/admin/deploy");
      assert.equal(waiting.body.total, 0);
    },
  },
  {
    route: "DELETE /v1/deploy/{deployName}",
    as: "sub2",
    example: () => ({ method: "DELETE", path: "/v1/deploy/nginx2" }),
  },
  {
    route: "DELETE /v1/deploy/id/{deployId}",
    as: "u1",
    example: (w) => ({ method: "DELETE", path: `/v1/deploy/id/${w.ids["deploy"]}` }),
  },
];

describe("integration: OTE-stack routes as the API document shows them", function () {
  this.timeout(60_000);
  let w: World;
  let registry: TestRegistry | undefined;
  const agents: RunningAgent[] = [];

  before(async function () {
    registry = await requireRegistry(this);
    const hub = await startTestHub({ CORRAL_REGISTRY_URL: registry.url });
    w = {
      hub,
      admin: new OteClient(hub.hub.httpUrl),
      u1: new OteClient(hub.hub.httpUrl),
      sub2: new OteClient(hub.hub.httpUrl),
      anonymous: new OteClient(hub.hub.httpUrl),
      registryUrl: registry.url,
      ids: {},
    };
    await w.admin.login(ADMIN.username, ADMIN.password);
    for (const [name, cluster] of [
      ["GZ1", "GuangZhou"],
      ["BJ1", "BeiJing"],
    ] as const)
      agents.push(startTestAgent(hub, { name, cluster, hardware: fakeHardware({ hostname: name }) }));
    await Promise.all(agents.map((a) => a.welcomed()));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await w?.hub.close();
    await registry?.stop();
  });

  describe("User Management", () => documentRows(userRows, () => w));
  describe("Business Management", () => documentRows(businessRows, () => w));
  describe("Cluster and Node Management", () => documentRows(clusterRows, () => w));
  describe("Images, tags and projects", () => {
    before(async () => {
      const at = new Date(1551758321 * 1000);
      await pushTinyImage(w.registryUrl, "test/test-demo1", "latest", at);
      await pushTinyImage(w.registryUrl, "test/test-demo1", "v1", new Date(at.getTime() + 1000));
      await pushTinyImage(w.registryUrl, "test2/test-demo2", "latest", at);
      await pushTinyImage(w.registryUrl, "test2/test-demo2", "v2", new Date(at.getTime() + 2000));
    });
    documentRows(imageRows, () => w);
    documentRows(spaceRows, () => w);
  });
  describe("External repositories", () => {
    documentRows(thirdRows, () => w);
    before(async () => {
      await w.admin.call("POST", "/v1/repository/third", {
        repositoryId: "repo2",
        address: "127.0.0.1",
        user: "user2",
        password: "password2",
      });
    });
    documentRows(thirdDeleteRows, () => w);
  });
  describe("Application and Deployment Management", () => {
    before(async () => {
      // Labels the document's deploy example selects; a second app version; a spare app to delete;
      // a general user in u1's business whose deployments wait for audit.
      await w.admin.call("POST", "/v1/cluster/label", {
        clusterLabel: "cluster1",
        clusterName: ["GuangZhou"],
      });
      await w.admin.call("POST", "/v1/node/label", {
        nodeLabel: "node1",
        clusterName: "GuangZhou",
        nodeName: ["GZ1"],
      });
      const sub = await w.u1.call("POST", "/v1/admin/user", {
        user: "sub2",
        password: "xxX@1234",
        phone: "12345678912",
        isAdmin: false,
        realName: "sub two",
      });
      assert.equal(sub.status, 200, JSON.stringify(sub.body));
      await w.sub2.login("sub2", "xxX@1234");
    });
    describe("Application Management", () => {
      before(async () => {
        const spare = await w.u1.call("POST", "/v1/app", { ...NGINX_APP, appName: "spare" });
        assert.equal(spare.status, 200, JSON.stringify(spare.body));
        const list = await w.u1.call("GET", "/v1/app?appName=spare&appNameMode=strict");
        w.ids["spare"] = ((list.body as Record<string, unknown>)["apps"] as { id: number }[])[0]?.id ?? 0;
      });
      documentRows(appRows, () => w);
    });
    describe("Deployment Management", () => {
      before(async () => {
        // The deployed app: the document's example with one replica and no autoscaling, so that
        // rollouts converge on the one labelled node (its hostPort admits one replica per node).
        for (let i = 0; i < 2; i++) {
          const web = await w.u1.call("POST", "/v1/app", { ...WEB_APP });
          assert.equal(web.status, 200, JSON.stringify(web.body));
        }
      });
      documentRows(deployRows, () => w);
    });
  });
  describe("Logout", () =>
    documentRows(
      [
        {
          route: "DELETE /v1/authorization",
          as: "u1",
          example: () => ({ method: "DELETE", path: "/v1/authorization" }),
        },
      ],
      () => w,
    ));
});
