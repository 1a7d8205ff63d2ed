import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { Harness } from "./harness";
import { StubHub } from "./stub-hub";
import { TOKEN } from "./fixtures";
import { main } from "../../../cli/main";

/** A port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("corral exit codes and errors", () => {
  let h: Harness;

  beforeEach(() => {
    h = new Harness();
    h.env.CORRAL_TOKEN = TOKEN;
  });

  afterEach(() => h.cleanup());

  it("exits 4 with 'cannot reach hub at URL' when nothing listens", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await h.run(["node", "list", "--hub", url]);
    assert.equal(r.code, 4);
    assert.match(r.stderr, new RegExp(`^Error: cannot reach hub at ${url} \\(ECONNREFUSED\\)\\n$`));
  });

  it("exits 2 for unknown commands, unknown options, missing arguments and no hub", async () => {
    assert.equal((await h.run(["nodes"])).code, 2);
    assert.equal((await h.run(["node", "list", "--bogus"])).code, 2);
    assert.equal((await h.run(["node", "show"])).code, 2);
    assert.equal((await h.run(["node"])).code, 2, "a topic alone prints its help as an error");
    const noHub = await h.run(["node", "list"]);
    assert.equal(noHub.code, 2);
    assert.match(noHub.stderr, /no hub address: pass --hub URL/);
  });

  it("exits 0 for --help, and every help has examples; the top help lists exit codes", async () => {
    const top = await h.run(["--help"]);
    assert.equal(top.code, 0);
    assert.match(
      top.stdout,
      /Exit codes:\n {2}0 {2}ok\n {2}1 {2}failure.*\n {2}2 {2}usage.*\n {2}3 {2}not found\n {2}4 {2}hub unreachable/,
    );
    for (const argv of [
      ["login"],
      ["node", "list"],
      ["node", "label", "add"],
      ["token", "revoke"],
      ["workload", "run"],
    ]) {
      const r = await h.run([...argv, "--help"]);
      assert.equal(r.code, 0, argv.join(" "));
      assert.match(r.stdout, /Examples:\n {2}\$ corral /, argv.join(" "));
      assert.match(r.stdout, /--hub <url>/, argv.join(" "));
    }
  });

  describe("against a hub", () => {
    let hub: StubHub;
    beforeEach(async () => {
      hub = await new StubHub().start();
      h.env.CORRAL_HUB_URL = hub.url;
    });
    afterEach(() => hub.stop());

    it("401 says to log in again (exit 1)", async () => {
      hub.on("GET", "/nodes", { status: 401, json: { code: "unauthenticated", message: "token expired" } });
      const r = await h.run(["node", "list"]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "Error: not logged in or token expired: run corral login\n");
    });

    it("403 and 500 exit 1 with the hub's message and request id", async () => {
      hub.on("POST", "/nodes/a/cordon", {
        status: 403,
        json: { code: "permission_denied", message: "admins only" },
      });
      hub.on("GET", "/clusters", {
        status: 500,
        json: { code: "internal", message: "boom", requestId: "req-7" },
      });
      const denied = await h.run(["node", "cordon", "a"]);
      assert.deepEqual([denied.code, denied.stderr], [1, "Error: admins only\n"]);
      const failed = await h.run(["cluster", "list"]);
      assert.deepEqual([failed.code, failed.stderr], [1, "Error: boom (request id req-7)\n"]);
    });

    it("a non-JSON error body still gives a message", async () => {
      hub.on("GET", "/clusters", { status: 503, text: "upstream down" });
      const r = await h.run(["cluster", "list"]);
      assert.deepEqual([r.code, r.stderr], [1, "Error: upstream down\n"]);
    });
  });

  it("main() sets process.exitCode", async () => {
    const saved = process.exitCode;
    const write = process.stderr.write;
    process.stderr.write = () => true; // keep the test output clean
    try {
      await main(["no-such-command"]);
      assert.equal(process.exitCode, 2);
    } finally {
      process.stderr.write = write;
      process.exitCode = saved;
    }
  });
});
