import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PaiError } from "../../../../../hub/api/openpai/errors";
import { parseForm } from "../../../../../hub/api/openpai/form";
import { parseV1 } from "../../../../../hub/api/openpai/protocol/v1";
import { parseV2 } from "../../../../../hub/api/openpai/protocol/v2";
import { render } from "../../../../../hub/api/openpai/protocol/render";
import { openpaiFixturesDir } from "../../../../helpers/fixtures";

const FIXTURES = openpaiFixturesDir();
const refused = (fn: () => unknown, code: string, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof PaiError && e.code === code && message.test(e.message));

describe("OpenPAI job protocol", () => {
  it("accepts every fixture in test/fixtures/openpai", () => {
    for (const f of fs.readdirSync(FIXTURES)) {
      const text = fs.readFileSync(path.join(FIXTURES, f), "utf8");
      const spec = f.endsWith(".yaml") ? parseV2(text).spec : parseV1(JSON.parse(text), "alice").spec;
      assert.ok(spec.roles.length >= 1, f);
    }
  });

  it("renders deployments, parameters and role prerequisites; leaves secrets and unknowns alone", () => {
    const { spec } = parseV2(fs.readFileSync(path.join(FIXTURES, "tensorflow-cifar10.yaml"), "utf8"));
    const worker = spec.roles.find((r) => r.name === "worker")!;
    assert.match(worker.commands[0]!, /^rm \/usr\/local\/cuda/, "preCommands first");
    assert.ok(worker.commands.some((c) => c.includes("--model=resnet20") && c.includes("--batch_size=32")));
    assert.ok(worker.commands.some((c) => c.includes("cifar-10-python.tar.gz")));
    assert.equal(spec.gang, true);
    assert.equal(
      render("<% $secrets.pw %> <% $parameters.nope %>", { parameters: {} }),
      "<% $secrets.pw %> <% $parameters.nope %>",
    );
  });

  it("refuses bad protocols with the field and the reason", () => {
    refused(
      () => parseV2("protocolVersion: 2\nname: x\ntype: job\n"),
      "InvalidProtocolError",
      /^taskRoles: /,
    );
    refused(() => parseV2(": : :\n  - ["), "InvalidProtocolError", /YAML/);
    const base = fs.readFileSync(path.join(FIXTURES, "hello-world-job.yaml"), "utf8");
    refused(
      () => parseV2(base.replace("dockerImage: docker_image_0", "dockerImage: nope")),
      "InvalidProtocolError",
      /Prerequisite nope does not exist/,
    );
    refused(() => parseV2(`${base}\nextra_key: 1\n`), "InvalidProtocolError", /extra_key|Unrecognized/);
  });

  it("v1: defaults, the minimum counts check, and form-encoded input", () => {
    const { spec } = parseV1(
      { jobName: "j", image: "i", taskRoles: [{ name: "a", command: "true" }] },
      "bob",
    );
    assert.deepEqual(
      [spec.roles[0]!.instances, spec.roles[0]!.cpu, spec.roles[0]!.memoryMB, spec.virtualCluster],
      [1, 1, 100, "default"],
    );
    refused(
      () =>
        parseV1(
          { jobName: "j", image: "i", taskRoles: [{ name: "a", command: "x", minFailedTaskCount: 2 }] },
          "bob",
        ),
      "InvalidParametersError",
      /minFailedTaskCount/,
    );
    refused(() => parseV1({}, "bob"), "InvalidParametersError", /jobName/);
    const form = parseForm(
      "jobName=f&image=i&taskRoles%5B0%5D%5Bname%5D=a&taskRoles%5B0%5D%5BtaskNumber%5D=2&taskRoles%5B0%5D%5Bcommand%5D=true",
    );
    assert.equal(parseV1(form, "bob").spec.roles[0]!.instances, 2);
  });
});
