import assert from "node:assert/strict";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RunningAgent } from "../../agent/agent";
import { DEFAULT_CONSOLE_DIR } from "../../hub/api/console/static";
import { requireBrowser, screenshots } from "../helpers/browser";
import { fakeHardware } from "../helpers/fake-hardware";
import { recordedHardware } from "../helpers/recorded-hardware";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const V1 = "/api/corral/v1";
const USER = { username: "dana", password: "dana-password-1" };
/** How long a UI expectation may take: the views poll every 2 s. */
const UI_MS = 15_000;

/**
 * The web console in a real headless chromium against a real hub (the built console from
 * dist/console) with FakeRuntime agents whose GPUs are replayed from recorded nvidia-smi output.
 * Each main page is shot at 1280 and 390 px into test-results/screenshots/.
 */
describe("e2e: the web console in a browser (chromium, FakeRuntime agents, recorded GPUs)", function () {
  this.timeout(120_000);
  let hub: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const agents: RunningAgent[] = [];

  before(async function () {
    browser = await requireBrowser(this, path.join(DEFAULT_CONSOLE_DIR, "index.html"));
    hub = await startTestHub();
    const nodes = [
      {
        name: "gpu-h100",
        labels: ["gpu", "zone=a"],
        hardware: await recordedHardware("nvidia-gpu-exporter-h100-mig-590.48.01-capture.txt"),
      },
      {
        name: "gpu-p100",
        labels: ["gpu"],
        hardware: await recordedHardware("netdata-tesla-p100-query-gpu.csv"),
      },
      {
        name: "cpu-01",
        labels: [],
        hardware: fakeHardware({ hostname: "cpu-01", cores: 16, memoryMiB: 65536 }),
      },
    ];
    for (const n of nodes) agents.push(startTestAgent(hub, n));
    await Promise.all(agents.map((a) => a.welcomed()));
    await hub.api("POST", `${V1}/users`, USER);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: hub.hub.httpUrl });
    page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all(agents.map((a) => a.stop()));
    await hub?.close();
  });

  const signIn = async (p: Page, who: { username: string; password: string }) => {
    await p.goto("/");
    await p.getByLabel("Username").fill(who.username);
    await p.getByLabel("Password").fill(who.password);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Overview" }).waitFor();
  };
  const nav = (p: Page, name: string) =>
    p.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

  it("signs in with the form; the session is an HTTP-only cookie, nothing in storage", async () => {
    await page.goto("/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshots(page, "sign-in");
    await signIn(page, ADMIN);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "corral_session");
    assert.ok(session, "a session cookie");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    // A string: this file compiles without the DOM's types.
    const stored = await page.evaluate(
      "({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })",
    );
    assert.deepEqual(stored, { local: 0, session: 0, cookie: "" });
    await page.getByText("3", { exact: false }).first().waitFor();
    await page.getByRole("region", { name: "Nodes by status" }).getByText("ready").waitFor();
    await screenshots(page, "overview");
    // Dark mode follows the system: the same page with prefers-color-scheme: dark.
    await page.emulateMedia({ colorScheme: "dark" });
    const background = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
    assert.equal(background, "rgb(17, 20, 24)");
    await screenshots(page, "overview-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("lists the nodes, filters them, and shows a node's GPUs and MIG slices from nvidia-smi", async () => {
    await nav(page, "Nodes").click();
    await page.getByRole("heading", { name: "Nodes" }).waitFor();
    for (const n of ["gpu-h100", "gpu-p100", "cpu-01"]) await page.getByRole("link", { name: n }).waitFor();
    await screenshots(page, "nodes");
    await page.getByLabel("Filter nodes").fill("zone=a");
    await waitFor(
      async () => ((await page.getByRole("link", { name: "gpu-p100" }).count()) === 0 ? true : null),
      "p100 filtered out",
    );
    await page.getByLabel("Filter nodes").fill("");
    await page.getByRole("link", { name: "gpu-h100" }).click();
    await page.getByRole("heading", { name: /gpu-h100/ }).waitFor();
    const gpus = page.getByRole("table", { name: "GPUs of gpu-h100" });
    await gpus.getByText("NVIDIA H100 80GB HBM3").first().waitFor();
    await gpus.getByRole("cell", { name: "3g.40gb", exact: true }).waitFor();
    await page.getByText("GPU utilisation, last hour").waitFor();
    await page.getByText("GPU temperature, last hour").waitFor();
    await screenshots(page, "node");
  });

  it("cordons and uncordons a node", async () => {
    await page.getByRole("button", { name: "Cordon" }).click();
    await page
      .getByRole("heading", { name: /gpu-h100/ })
      .getByText("cordoned")
      .waitFor();
    const node = await hub.api<{ schedulable: boolean }>("GET", `${V1}/nodes/gpu-h100`);
    assert.equal(node.body.schedulable, false);
    await page.getByRole("button", { name: "Uncordon" }).click();
    await page.getByRole("button", { name: "Cordon" }).waitFor();
  });

  it("shows the API's validation message next to the field, then submits and watches it succeed", async () => {
    await nav(page, "Workloads").click();
    await page.getByRole("link", { name: "Submit a workload" }).click();
    await page.getByLabel("Name").fill("hello-console");
    await page.getByLabel("Image").fill("busybox");
    await page.getByLabel("GPUs").fill("99");
    await page.getByRole("button", { name: "Submit" }).click();
    const gpuError = page.locator("#wf-gpu-error");
    await gpuError.waitFor();
    assert.match(await gpuError.innerText(), /64/);
    assert.equal(await page.getByLabel("GPUs").getAttribute("aria-invalid"), "true");
    await screenshots(page, "submit");

    await page.getByLabel("GPUs").fill("1");
    await page.getByLabel("Command").fill('sh -c "echo hello from the console"');
    await page.getByLabel("Environment").fill("FAKE_RUN_FOR_MS=1500\nFAKE_LOG=hello from the console");
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("heading", { name: /hello-console/ }).waitFor();
    await page
      .getByRole("heading", { name: /hello-console/ })
      .getByText("succeeded")
      .waitFor({ timeout: 30_000 });
    await page
      .getByRole("table", { name: /Tasks of/ })
      .getByText("0", { exact: true })
      .first()
      .waitFor();
    await page.getByLabel("Log of task 0").getByText("hello from the console").waitFor();
    await page.getByText("Succeeded", { exact: false }).first().waitFor();
    await screenshots(page, "workload");
  });

  it("stops a running workload", async () => {
    const w = await hub.api<{ id: string }>("POST", `${V1}/workloads`, {
      name: "long-runner",
      image: "busybox",
    });
    await waitFor(async () => {
      const r = await hub.api<{ state: string }>("GET", `${V1}/workloads/${w.body.id}`);
      return r.body.state === "running" ? true : null;
    }, "long-runner running");
    await nav(page, "Workloads").click();
    await page.getByRole("link", { name: "long-runner" }).click();
    await page
      .getByRole("heading", { name: /long-runner/ })
      .getByText("running")
      .waitFor();
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.getByRole("button", { name: "Stop now" }).click();
    await page
      .getByRole("heading", { name: /long-runner/ })
      .getByText("stopped")
      .waitFor({ timeout: 30_000 });
    await nav(page, "Workloads").click();
    await page.getByLabel("State").selectOption("stopped");
    await page.getByRole("link", { name: "long-runner" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "hello-console" }).count(), 0, "filtered by state");
    await page.getByLabel("State").selectOption("");
    await screenshots(page, "workloads");
  });

  it("shows quota units, clusters and node pools", async () => {
    const pool = hub.hub.core.nodePools.defaultPool();
    hub.hub.core.quotaUnits.create({
      kind: "project",
      name: "vision",
      allocations: [
        {
          nodePoolId: pool.id,
          gpu: { deserved: 2, limit: 4, overQuotaWeight: 1 },
          cpuMilli: { deserved: 8000, limit: null, overQuotaWeight: 1 },
          memoryMiB: { deserved: 32768, limit: 65536, overQuotaWeight: 1 },
        },
      ],
    });
    await nav(page, "Quota").click();
    await page.getByRole("heading", { name: /vision/ }).waitFor();
    await page.getByRole("img", { name: /GPU: 0 allocated, 2 deserved, limit 4/ }).waitFor();
    await page.getByRole("button", { name: "Edit quota of vision in pool default" }).click();
    const editor = page.getByRole("form", { name: "Edit quota of vision in pool default" });
    await editor.getByLabel("GPUs limit").fill("1");
    await editor.getByRole("button", { name: "Save quota" }).click();
    await editor
      .getByRole("alert")
      .getByText(/must be unlimited or >= deserved/)
      .waitFor();
    await editor.getByLabel("GPUs limit").fill("6");
    await editor.getByRole("button", { name: "Save quota" }).click();
    await page.getByRole("img", { name: /GPU: 0 allocated, 2 deserved, limit 6/ }).waitFor();
    await screenshots(page, "quota");
    await nav(page, "Clusters").click();
    await page
      .getByRole("table", { name: "Clusters" })
      .getByRole("cell", { name: "default", exact: true })
      .waitFor();
    await page.getByRole("table", { name: "Node pools" }).getByText("default").waitFor();
    await page.getByLabel("Label for default").fill("site=lab");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("button", { name: "Remove label site=lab from default" }).waitFor();
    const cluster = await hub.api<{ labels: string[] }>("GET", `${V1}/clusters/default`);
    assert.deepEqual(cluster.body.labels, ["site=lab"]);
    await screenshots(page, "clusters");
  });

  it("creates a join token and shows the install command with a copy button; revokes it", async () => {
    await nav(page, "Join tokens").click();
    await page.getByLabel("Description").fill("rack 4");
    await page.getByRole("button", { name: "Create token" }).click();
    const command = page.getByLabel("Install command");
    await command.waitFor();
    const text = await command.innerText();
    const port = hub.hub.grpcAddress.split(":").pop();
    assert.match(
      text,
      new RegExp(`^sudo bash scripts/install-agent.sh --hub 127\\.0\\.0\\.1:${port} --token \\S{16,}$`),
    );
    await page.getByRole("button", { name: "Copy install command" }).waitFor();
    await screenshots(page, "join-tokens");
    const token = text.split("--token ")[1] as string;
    const tokens = await hub.api<{ items: { id: string; description: string; valid: boolean }[] }>(
      "GET",
      `${V1}/join-tokens`,
    );
    const made = tokens.body.items.find((t) => t.description === "rack 4");
    assert.ok(made && made.valid && token.length > 0);
    await page.getByRole("button", { name: `Revoke token ${made.id.slice(0, 8)}` }).click();
    await waitFor(async () => {
      const r = await hub.api<{ items: { id: string; valid: boolean }[] }>("GET", `${V1}/join-tokens`);
      return r.body.items.find((t) => t.id === made.id)?.valid === false ? true : null;
    }, "token revoked");
  });

  it("manages users: create, make admin and back, disable", async () => {
    await nav(page, "Users").click();
    await page.getByLabel("New username").fill("erin");
    await page.getByLabel("Initial password").fill("erin-password-1");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("button", { name: "Make admin erin" }).click();
    await page.getByRole("button", { name: "Remove admin from erin" }).click();
    await page.getByRole("button", { name: "Disable erin" }).click();
    await page.getByRole("button", { name: "Enable erin" }).waitFor();
    const erin = await hub.api<{ status: string; admin: boolean }>("GET", `${V1}/users/erin`);
    assert.deepEqual([erin.body.status, erin.body.admin], ["disabled", false]);
    await screenshots(page, "users");
  });

  it("creates an access key (the secret shown once) and deletes it", async () => {
    await nav(page, "Access keys").click();
    await page.getByRole("heading", { name: "Access keys" }).waitFor();
    await page.getByLabel("Description").fill("sdk laptop");
    await page.getByRole("button", { name: "Create access key" }).click();
    const shown = await page.getByLabel("Access key and secret").innerText();
    const [ak, sk] = shown.split("\n").map((l) => l.split("=")[1] ?? "");
    assert.match(ak ?? "", /^[A-Z0-9]{20}$/);
    assert.equal((sk ?? "").length, 40);
    const listed = await hub.api<{ items: { id: string; description: string }[] }>(
      "GET",
      `${V1}/access-keys`,
    );
    assert.ok(
      listed.body.items.some((k) => k.id === ak && k.description === "sdk laptop"),
      listed.text,
    );
    await screenshots(page, "access-keys");
    await page.getByRole("button", { name: `Delete access key ${ak}` }).click();
    await waitFor(
      async () =>
        (await page.getByRole("button", { name: `Delete access key ${ak}` }).count()) === 0 ? true : null,
      "the key gone from the list",
    );
  });

  it("signs out: the cookie's token no longer works and the sign-in form is back", async () => {
    const before = (await context.cookies()).find((c) => c.name === "corral_session")?.value;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(
      (await context.cookies()).find((c) => c.name === "corral_session"),
      undefined,
    );
    const me = await fetch(`${hub.hub.httpUrl}${V1}/auth/me`, {
      headers: { cookie: `corral_session=${before}` },
    });
    assert.equal(me.status, 401);
  });

  it("an ordinary user sees the shared views and their own work, and no admin action", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: hub.hub.httpUrl });
    try {
      const p = await ctx.newPage();
      p.setDefaultTimeout(UI_MS);
      await signIn(p, USER);
      assert.equal(await nav(p, "Users").count(), 0);
      assert.equal(await nav(p, "Join tokens").count(), 0);
      await nav(p, "Nodes").click();
      await p.getByRole("link", { name: "gpu-h100" }).click();
      await p.getByRole("table", { name: "GPUs of gpu-h100" }).waitFor();
      assert.equal(await p.getByRole("button", { name: "Cordon" }).count(), 0);
      assert.equal(await p.getByLabel("New label").count(), 0);
      await nav(p, "Clusters").click();
      await p.getByRole("table", { name: "Clusters" }).getByText("site=lab").waitFor();
      assert.equal(await p.getByLabel("Label for default").count(), 0);
      await nav(p, "Quota").click();
      await p.getByRole("heading", { name: /vision/ }).waitFor();
      assert.equal(await p.getByRole("button", { name: /Edit quota/ }).count(), 0);
      await nav(p, "Workloads").click();
      await p.getByRole("heading", { name: "Your workloads" }).waitFor();
      assert.equal(await p.getByRole("link", { name: "hello-console" }).count(), 0, "not their workload");
      await p.goto("/users");
      await p.getByRole("heading", { name: "Admins only" }).waitFor();
      await screenshots(p, "user-view");
    } finally {
      await ctx.close();
    }
  });
});
