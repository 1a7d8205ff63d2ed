/**
 * The web console against a built hub with a real Docker agent: sign in, submit a workload from
 * the form, watch it reach Succeeded and read its log line, drain the node from its page. Skips
 * without Docker or chromium, except in CI.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Dockerode from "dockerode";
import type { Browser, Page } from "playwright-core";
import { identityNodeKey } from "../../agent/runtime-identity";
import { DEFAULT_CONSOLE_DIR } from "../../hub/api/console/static";
import { requireBrowser, screenshots } from "../helpers/browser";
import { removeNodeContainers, removeNodeVolumes, requireDocker, TEST_IMAGE } from "../helpers/docker";
import { startBuiltCluster, type BuiltCluster } from "../helpers/processes";

const JOIN = "e2e-console-join-token-0123";
const PASSWORD = "e2e-console-password";

describe("e2e: the web console with a real Docker agent (chromium)", function () {
  this.timeout(180_000);
  let docker: Dockerode;
  let browser: Browser;
  let page: Page;
  let cluster: BuiltCluster | undefined;
  let dir: string;
  const name = `e2e-console-${process.pid}`;
  const nodeKey = identityNodeKey(name, "console1");

  before(async function () {
    docker = await requireDocker(this);
    browser = await requireBrowser(this, path.join(DEFAULT_CONSOLE_DIR, "index.html"));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-e2e-console-"));
    cluster = await startBuiltCluster(dir, {
      cluster: name,
      node: "console1",
      joinToken: JOIN,
      adminPassword: PASSWORD,
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      baseURL: cluster.httpUrl,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await cluster?.agent.stop();
    await cluster?.hub.stop();
    if (docker) {
      await removeNodeContainers(docker, nodeKey);
      await removeNodeVolumes(docker, nodeKey);
    }
  });

  it("submits a workload that runs in a real container, shows its log line, then drains the node", async () => {
    await page.goto("/");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();

    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Workloads", exact: true })
      .click();
    await page.getByRole("link", { name: "Submit a workload" }).click();
    await page.getByLabel("Name").fill("docker-console");
    await page.getByLabel("Image").fill(TEST_IMAGE);
    await page.getByLabel("Command").fill('sh -c "echo hello from docker via the console"');
    await page.getByRole("button", { name: "Submit" }).click();
    const heading = page.getByRole("heading", { name: /docker-console/ });
    await heading.waitFor();
    await heading.getByText("succeeded").waitFor({ timeout: 90_000 });
    await page.getByLabel("Log of task 0").getByText("hello from docker via the console").waitFor();
    await screenshots(page, "workload-docker");

    await page.goto("/nodes/console1");
    await page.getByRole("heading", { name: /console1/ }).waitFor();
    await page.getByRole("button", { name: "Drain" }).click();
    await page
      .getByRole("heading", { name: /console1/ })
      .getByText("cordoned")
      .waitFor();
    const node = await (cluster as BuiltCluster).api<{ schedulable: boolean }>("GET", "/nodes/console1");
    assert.equal(node.body.schedulable, false);
  });
});
