import assert from "node:assert/strict";
import { mock } from "node:test";
import { FakeRuntime } from "../../../../agent/runtime/fake-runtime";
import { createRuntime } from "../../../../agent/runtime/index";
import type { TaskContainer } from "../../../../agent/runtime/runtime";
import { RuntimeError } from "../../../../agent/runtime/runtime";
import { taskSpec } from "../../../helpers/task-spec";
import { waitFor } from "../../../helpers/wait";

describe("FakeRuntime", () => {
  let rt: FakeRuntime;
  let exits: TaskContainer[];

  beforeEach(() => {
    rt = new FakeRuntime({ nodeId: "node-aaaaaaaa-1111" });
    exits = [];
    rt.onExit((c) => exits.push(c));
  });

  /** Runs `fn` with setTimeout on node:test's fake clock, so a test moves time instead of sleeping. */
  async function withFakeTimers(fn: () => Promise<void>): Promise<void> {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      await fn();
    } finally {
      mock.timers.reset();
    }
  }
  const DAY_MS = 86_400_000;

  it("runs until stopped by default, then reports one exit", async () => {
    const c = await rt.start(taskSpec());
    assert.equal(c.state, "running");
    assert.equal(c.ip, "127.0.0.1");
    await withFakeTimers(async () => {
      mock.timers.tick(DAY_MS); // a day later it still runs
      assert.equal(exits.length, 0);
    });
    await rt.stop(c.containerId, 1);
    await rt.stop(c.containerId, 1); // already stopped is fine
    assert.equal(exits.length, 1);
    assert.equal(exits[0]?.state, "exited");
    assert.equal(exits[0]?.exitCode, 143);
    assert.ok(exits[0]?.finishedAt);
  });

  it("FAKE_RUN_FOR_MS and FAKE_EXIT_CODE script the exit", async () => {
    const c = await rt.start(taskSpec({ env: { FAKE_RUN_FOR_MS: "30", FAKE_EXIT_CODE: "3" } }));
    assert.equal(c.state, "running", "start() returns before the exit, even for short runs");
    const exit = await waitFor(() => exits[0], "exit", 2000);
    assert.equal(exit.containerId, c.containerId);
    assert.equal(exit.exitCode, 3);
    assert.equal(rt.containers()[0]?.state, "exited");
  });

  it("FAKE_RUN_FOR_MS counts on the timer clock: no exit a millisecond early, one when it is due", async () => {
    await withFakeTimers(async () => {
      await rt.start(taskSpec({ env: { FAKE_RUN_FOR_MS: "60000" } }));
      mock.timers.tick(59_999);
      assert.equal(exits.length, 0);
      mock.timers.tick(1);
      assert.equal(exits.length, 1);
      assert.equal(exits[0]?.exitCode, 0);
    });
  });

  it("FAKE_RUN_FOR_MS=0 exits at once with code 0 by default", async () => {
    await rt.start(taskSpec({ env: { FAKE_RUN_FOR_MS: "0" } }));
    const exit = await waitFor(() => exits[0], "exit", 2000);
    assert.equal(exit.exitCode, 0);
  });

  it("constructor defaults apply when the env says nothing", async () => {
    const scripted = new FakeRuntime({ nodeId: "n", defaults: { runForMs: 0, exitCode: 7, log: "hello\n" } });
    const seen: TaskContainer[] = [];
    scripted.onExit((c) => seen.push(c));
    const c = await scripted.start(taskSpec());
    const exit = await waitFor(() => seen[0], "exit", 2000);
    assert.equal(exit.exitCode, 7);
    assert.equal(await scripted.logs(c.containerId, 0), "hello\n");
  });

  it("FAKE_START_ERROR rejects with start_failed and leaves an exited container", async () => {
    const spec = taskSpec({ env: { FAKE_START_ERROR: "no such device" } });
    await assert.rejects(rt.start(spec), (err: unknown) => {
      assert.ok(err instanceof RuntimeError);
      assert.equal(err.reason, "start_failed");
      assert.match(err.message, /no such device/);
      return true;
    });
    const [left] = await rt.list();
    assert.equal(left?.state, "exited");
    assert.equal(left?.exitCode, 128);
    assert.equal(left?.message, "no such device");
    // Trying again fails again (not an adopted "success").
    await assert.rejects(rt.start(spec), RuntimeError);
    assert.equal(rt.containers().length, 1);
  });

  it("logs: default text, FAKE_LOG, tail", async () => {
    const a = await rt.start(taskSpec({ taskId: "task-1", attempt: 2 }));
    assert.equal(await rt.logs(a.containerId, 0), "fake task task-1 attempt 2\n");
    const b = await rt.start(taskSpec({ env: { FAKE_LOG: "one\ntwo\nthree\n" } }));
    assert.equal(await rt.logs(b.containerId, 2), "two\nthree\n");
    await assert.rejects(
      rt.logs("nope", 0),
      (err: unknown) => err instanceof RuntimeError && err.reason === "not_found",
    );
  });

  it("ports get deterministic fake host ports; fixed ones are kept", async () => {
    const c = await rt.start(
      taskSpec({
        ports: [
          { name: "http", containerPort: 80, protocol: "tcp", hostPort: 0 },
          { name: "fixed", containerPort: 53, protocol: "udp", hostPort: 5353 },
        ],
      }),
    );
    assert.deepEqual(c.ports, [
      { name: "http", containerPort: 80, protocol: "tcp", hostPort: 32768 },
      { name: "fixed", containerPort: 53, protocol: "udp", hostPort: 5353 },
    ]);
  });

  it("a restarted agent on the same instance recovers its containers with list()", async () => {
    const spec = taskSpec({ gpuUuids: ["GPU-1"], env: { FAKE_RUN_FOR_MS: "-1" } });
    const c = await rt.start(spec);
    await rt.close(); // the agent goes away; containers stay
    const listed = await rt.list();
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.containerId, c.containerId);
    assert.deepEqual(listed[0]?.gpuUuids, ["GPU-1"]);
    assert.equal(listed[0]?.state, "running");
    // Starting the same task+attempt again adopts the container instead of making a second one.
    const again = await rt.start(spec);
    assert.equal(again.containerId, c.containerId);
    // The old agent's listener is gone; the new one hears the crash.
    const seen: TaskContainer[] = [];
    rt.onExit((x) => seen.push(x));
    rt.crash(spec.taskId, 139);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.exitCode, 139);
    assert.equal(seen[0]?.message, "crashed");
    assert.equal(exits.length, 0);
  });

  it("remove() forgets a container and ignores unknown ids", async () => {
    const c = await rt.start(taskSpec());
    await rt.remove(c.containerId);
    await rt.remove("unknown");
    assert.deepEqual(await rt.list(), []);
    assert.equal(exits.length, 0);
  });

  it("setAvailable(false) makes check() say why and operations fail", async () => {
    rt.setAvailable(false, "engine on fire");
    assert.deepEqual(await rt.check(), {
      name: "fake",
      available: false,
      error: "engine on fire",
      version: null,
    });
    await assert.rejects(rt.start(taskSpec()), (err: unknown) => {
      return err instanceof RuntimeError && err.reason === "engine_unavailable";
    });
    rt.setAvailable(true);
    assert.equal((await rt.check()).available, true);
  });

  it("createRuntime('fake') builds one", async () => {
    const made = createRuntime("fake", { nodeId: "n1" });
    assert.equal(made.name, "fake");
    assert.equal((await made.check()).available, true);
  });
});
