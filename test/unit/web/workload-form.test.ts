import assert from "node:assert/strict";
import {
  cpuMilli,
  EMPTY_FORM,
  envLines,
  fieldError,
  labelList,
  memoryMiB,
  splitWords,
  submitBody,
} from "../../../web/src/lib/workload-form";

describe("web console: the submit form and the API's refusals", () => {
  it("splits a command like a shell", () => {
    assert.deepEqual(splitWords('sh -c "echo hello world"'), ["sh", "-c", "echo hello world"]);
    assert.deepEqual(splitWords("python  train.py --lr=0.1 "), ["python", "train.py", "--lr=0.1"]);
    assert.deepEqual(splitWords(`echo 'it''s' "a \\"q\\"" b\\ c ""`), ["echo", "its", 'a "q"', "b c", ""]);
    assert.deepEqual(splitWords(""), []);
  });

  it("reads cores, memory with binary suffixes, env lines and labels", () => {
    assert.equal(cpuMilli("0.5"), 500);
    assert.equal(cpuMilli("8"), 8000);
    assert.equal(cpuMilli(""), 0);
    assert.equal(cpuMilli("lots"), "lots");
    assert.equal(memoryMiB("512"), 512);
    assert.equal(memoryMiB("512Mi"), 512);
    assert.equal(memoryMiB("2Gi"), 2048);
    assert.equal(memoryMiB("1.5GiB"), 1536);
    assert.equal(memoryMiB("1Ti"), 1024 * 1024);
    assert.equal(memoryMiB("2GB"), "2GB", "decimal units are not guessed: the API says what is wrong");
    assert.deepEqual(envLines("A=1\n\n B = two=2\nFLAG"), { A: "1", B: " two=2", FLAG: "" });
    assert.deepEqual(labelList("gpu, zone=a  rack=4,"), ["gpu", "zone=a", "rack=4"]);
  });

  it("builds the POST /workloads body, sending text the API must refuse as text", () => {
    const body = submitBody({
      ...EMPTY_FORM,
      name: " hello ",
      image: "busybox",
      command: "echo hi",
      instances: "2",
      cpu: "1.5",
      memory: "1Gi",
      gpu: "many",
      env: "A=1",
      nodeSelector: "gpu",
      quotaUnit: "project/vision",
      priorityClass: "train",
    });
    assert.deepEqual(body, {
      name: "hello",
      image: "busybox",
      command: ["echo", "hi"],
      instances: 2,
      resources: { cpuMilli: 1500, memoryMiB: 1024, gpu: "many" },
      env: { A: "1" },
      nodeSelector: ["gpu"],
      quotaUnit: "project/vision",
      priorityClass: "train",
    });
    const bare = submitBody({ ...EMPTY_FORM, name: "x", image: "y" });
    assert.equal("quotaUnit" in bare, false);
    assert.equal("priorityClass" in bare, false);
    assert.deepEqual(bare.resources, { cpuMilli: 0, memoryMiB: 0, gpu: 0 });
  });

  it("puts a validation error next to the field it names, without the field prefix", () => {
    assert.deepEqual(
      fieldError({
        code: "invalid_argument",
        field: "resources.gpu",
        message: "resources.gpu: Too big: expected number to be <=64",
      }),
      { field: "gpu", message: "Too big: expected number to be <=64" },
    );
    assert.deepEqual(
      fieldError({
        code: "invalid_argument",
        field: "resources.memoryMiB",
        message: "resources.memoryMiB: Invalid input",
      }),
      {
        field: "memory",
        message: "Invalid input",
      },
    );
    assert.deepEqual(
      fieldError({ code: "invalid_argument", field: "name", message: "name: must be 1-128 letters" }),
      {
        field: "name",
        message: "must be 1-128 letters",
      },
    );
    assert.deepEqual(
      fieldError({ code: "invalid_argument", field: "nodeSelector.1", message: "nodeSelector.1: bad label" }),
      {
        field: "nodeSelector",
        message: "bad label",
      },
    );
    assert.deepEqual(
      fieldError({ code: "invalid_argument", field: "env.1X", message: "env.1X: must be a valid name" }),
      {
        field: "env",
        message: "1X: must be a valid name",
      },
    );
    assert.deepEqual(
      fieldError({ code: "invalid_argument", field: "project", message: "project: work runs in a project" }),
      {
        field: "quotaUnit",
        message: "work runs in a project",
      },
    );
  });

  it("puts a missing quota unit on its field and anything else on the form", () => {
    assert.deepEqual(fieldError({ code: "not_found", message: 'quota unit "x" not found' }), {
      field: "quotaUnit",
      message: 'quota unit "x" not found',
    });
    assert.deepEqual(fieldError({ code: "not_found", message: 'node pool "p" not found' }), {
      field: "form",
      message: 'node pool "p" not found',
    });
    assert.deepEqual(
      fieldError({ code: "invalid_argument", field: "volumes.0.name", message: "volumes.0.name: bad" }),
      {
        field: "form",
        message: "volumes.0.name: bad",
      },
    );
  });
});
