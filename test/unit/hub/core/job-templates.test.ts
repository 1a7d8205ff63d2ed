import assert from "node:assert/strict";
import { ConflictError, NotFoundError, ValidationError } from "../../../../hub/core/errors";
import { createCore, type Core } from "../../../../hub/core/index";
import type { NewJobTemplate } from "../../../../hub/core/job-template-model";
import type { Store } from "../../../../hub/core/repositories";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock, OPTIONS } from "./harness";

const template = (over: Partial<NewJobTemplate> = {}): NewJobTemplate => ({
  scope: "modelarts",
  name: "mnist",
  description: "",
  owner: "alice",
  quotaUnitId: null,
  image: "busybox:1",
  command: "python train.py",
  parameters: [{ name: "lr", value: "0.1", description: "" }],
  inputs: [{ name: "data", description: "" }],
  outputs: [],
  env: { A: "1" },
  meta: { modelarts: { codeDir: "/code" } },
  ...over,
});

describe("core job templates", () => {
  let store: Store;
  let clock: FakeClock;
  let core: Core;
  beforeEach(() => {
    store = openSqliteStore(":memory:");
    clock = new FakeClock();
    core = createCore(store, clock, OPTIONS);
  });
  afterEach(() => store.close());

  it("stores a template and reads it back whole, per scope", () => {
    const t = core.jobTemplates.create(template());
    assert.deepEqual(core.jobTemplates.get("modelarts", t.id), t);
    assert.deepEqual(core.jobTemplates.list("modelarts"), [t]);
    assert.deepEqual(core.jobTemplates.list("other"), []);
    assert.throws(() => core.jobTemplates.get("other", t.id), NotFoundError);
  });

  it("updates everything but identity, refusing a name taken in the same scope and unit", () => {
    const a = core.jobTemplates.create(template());
    const b = core.jobTemplates.create(template({ name: "other" }));
    clock.advance(1_000);
    const changed = core.jobTemplates.update(a, { ...template({ command: "python v2.py" }) });
    assert.equal(changed.command, "python v2.py");
    assert.equal(changed.updatedAt, a.createdAt + 1_000);
    assert.equal(core.jobTemplates.find(a.id)?.command, "python v2.py");
    assert.throws(() => core.jobTemplates.update(b, template()), ConflictError);
    assert.throws(() => core.jobTemplates.create(template()), ConflictError);
    core.jobTemplates.create(template({ scope: "elsewhere" }));
    core.jobTemplates.delete(a);
    assert.equal(core.jobTemplates.find(a.id), undefined);
  });

  it("refuses a bad name, no image and duplicate parameter or channel names", () => {
    for (const bad of [
      template({ name: "bad name" }),
      template({ image: " " }),
      template({
        parameters: [
          { name: "x", value: "", description: "" },
          { name: "x", value: "", description: "" },
        ],
      }),
      template({ outputs: [{ name: "", description: "" }] }),
    ]) {
      assert.throws(() => core.jobTemplates.create(bad), ValidationError);
    }
  });
});
