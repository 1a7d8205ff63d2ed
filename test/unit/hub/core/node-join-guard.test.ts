import assert from "node:assert/strict";
import { ConflictError, UnauthenticatedError, ValidationError } from "../../../../hub/core/errors";
import { labelAllowed } from "../../../../hub/core/label-allowance";
import type { GpuDevice } from "../../../../hub/core/model";
import { hardware, newCore, type Harness } from "./harness";

const gpu = (uuid: string, index: number): GpuDevice => ({
  uuid,
  index,
  name: "Fake GPU",
  memoryMiB: 16384,
  pciBusId: null,
  computeCap: null,
  migEnabled: false,
  parentUuid: null,
  migProfile: null,
  migIndex: null,
});

const helloInfo = (labels: string[], hw = hardware()) => ({
  agentVersion: "0.1.0",
  address: "10.0.0.1",
  labels,
  hardware: hw,
  runtime: { name: "docker", available: true, error: null, version: "24.0" },
});

describe("core nodes: a join never takes over a node with a live credential (issue 13)", () => {
  let h: Harness;
  beforeEach(() => {
    h = newCore();
  });
  afterEach(() => h.store.close());

  it("refuses a join for an existing name without the node's credential, naming the node and the fix", () => {
    const real = h.core.nodes.join("lab", "gpu-01");
    const other = h.core.nodes.join("lab", "gpu-02");
    for (const proof of [undefined, "", "garbage", `${real.node.id}.wrong`, other.credential]) {
      assert.throws(
        () => h.core.nodes.join("lab", "gpu-01", { proof }),
        (err: unknown) =>
          err instanceof ConflictError &&
          err.message.includes("gpu-01") &&
          err.message.includes("corral node replace gpu-01"),
        String(proof),
      );
    }
    assert.equal(
      h.core.nodes.authenticate(real.credential).id,
      real.node.id,
      "the real credential still works",
    );
  });

  it("replace revokes the credential at once; the next join takes the node over once", () => {
    const real = h.core.nodes.join("lab", "gpu-01");
    const replaced = h.core.nodes.replace(h.core.nodes.byId(real.node.id));
    assert.equal(h.core.nodes.replacePending(replaced), true);
    assert.throws(() => h.core.nodes.authenticate(real.credential), UnauthenticatedError);
    const taken = h.core.nodes.join("lab", "gpu-01");
    assert.equal(taken.node.id, real.node.id, "the node keeps its id");
    assert.equal(h.core.nodes.replacePending(taken.node), false);
    assert.equal(h.core.nodes.authenticate(taken.credential).id, real.node.id);
    assert.throws(() => h.core.nodes.authenticate(real.credential), UnauthenticatedError);
    assert.throws(() => h.core.nodes.join("lab", "gpu-01"), ConflictError, "only once");
    assert.throws(
      () => h.core.nodes.join("lab", "gpu-01", { proof: real.credential }),
      ConflictError,
      "the old credential proves nothing",
    );
    const stored = h.store.nodes.list().find((n) => n.id === real.node.id);
    assert.equal(stored?.credentialHash.length, 64, "the replacement's credential is stored");
  });

  it("drops Hello labels outside the join token's allowance and reports them", () => {
    const { node } = h.core.nodes.join("lab", "edge-1", { allowedLabels: ["zone=*", "gpu"] });
    const report = h.core.nodes.helloReport(node.id, helloInfo(["zone=a", "gpu", "gpu-big", "admin=yes"]));
    assert.deepEqual(report.node.labels, ["zone=a", "gpu"]);
    assert.deepEqual(report.droppedLabels, ["gpu-big", "admin=yes"]);
    assert.deepEqual(h.store.nodes.list().find((n) => n.id === node.id)?.allowedLabels, ["zone=*", "gpu"]);
    const free = h.core.nodes.join("lab", "free-1");
    const open = h.core.nodes.helloReport(free.node.id, helloInfo(["anything", "zone=b"]));
    assert.deepEqual(open.node.labels, ["anything", "zone=b"], "no allowance: any label, as before");
    assert.deepEqual(open.droppedLabels, []);
  });

  it("label patterns: `*` matches any run, everything else literally", () => {
    assert.ok(labelAllowed("zone=a", ["zone=*"]));
    assert.ok(!labelAllowed("zonex=a", ["zone=*"]));
    assert.ok(!labelAllowed("gpu.x", ["gpu"]), "'.' is not a wildcard");
    assert.ok(labelAllowed("x", ["*"]));
    assert.ok(!labelAllowed("x", []), "an empty allowance allows nothing");
    assert.ok(labelAllowed("x", null));
  });

  it("join tokens keep their allowance; invalid patterns are refused", () => {
    const { record } = h.core.joinTokens.create({ allowedLabels: ["zone=*", "zone=*"] });
    assert.deepEqual(h.core.joinTokens.get(record.id).allowedLabels, ["zone=*"]);
    assert.equal(h.core.joinTokens.get(h.core.joinTokens.create({}).record.id).allowedLabels ?? null, null);
    assert.throws(() => h.core.joinTokens.create({ allowedLabels: ["a b"] }), ValidationError);
  });

  it("flags a change of GPUs or memory total, not of other hardware", () => {
    const { node } = h.core.nodes.join("lab", "gpu-01");
    const gpus = [gpu("GPU-a", 0), gpu("GPU-b", 1)];
    const first = h.core.nodes.helloReport(node.id, helloInfo([], hardware({ gpus })));
    assert.equal(first.hardwareChange, null, "the first report is no change");
    assert.equal(first.node.hardwareChangedAt ?? null, null);
    const same = h.core.nodes.helloReport(node.id, helloInfo([], hardware({ gpus, cores: 32 })));
    assert.equal(same.hardwareChange, null, "CPU cores do not count");
    h.clock.advance(1000);
    const swapped = h.core.nodes.helloReport(
      node.id,
      helloInfo([], hardware({ gpus: [gpu("GPU-a", 0), gpu("GPU-z", 1)] })),
    );
    assert.match(swapped.hardwareChange ?? "", /GPU UUIDs/);
    assert.equal(swapped.node.hardwareChangedAt, h.clock.now());
    assert.equal(h.store.nodes.list().find((n) => n.id === node.id)?.hardwareChangedAt, h.clock.now());
    const fewer = h.core.nodes.helloReport(
      node.id,
      helloInfo([], hardware({ gpus: [gpu("GPU-a", 0)], memoryMiB: 999 })),
    );
    assert.match(fewer.hardwareChange ?? "", /GPU count 2 -> 1; memory 16384 MiB -> 999 MiB/);
  });
});
