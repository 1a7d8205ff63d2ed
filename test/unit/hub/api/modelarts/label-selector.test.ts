import assert from "node:assert/strict";
import { ValidationError } from "../../../../../hub/core/errors";
import { parseLabelSelector } from "../../../../../hub/api/modelarts/label-selector";

describe("modelarts labelSelector", () => {
  const labels = { "os.modelarts/name": "pool-a", "os.modelarts/workspace.id": "0", gpu: "" };

  it("matches =, ==, !=, existence and absence, all terms together", () => {
    const m = (s: string) => parseLabelSelector(s)(labels);
    assert.equal(m("os.modelarts/name=pool-a"), true);
    assert.equal(m("os.modelarts/name==pool-b"), false);
    assert.equal(m("os.modelarts/name!=pool-b"), true);
    assert.equal(m("missing!=x"), true, "!= holds when the label is absent, as in Kubernetes");
    assert.equal(m("gpu"), true);
    assert.equal(m("!gpu"), false);
    assert.equal(m("!zone, os.modelarts/workspace.id = 0"), true);
    assert.equal(m("gpu,os.modelarts/workspace.id=1"), false);
    assert.equal(m(""), true);
  });

  it("refuses a term without a key, naming labelSelector", () => {
    assert.throws(
      () => parseLabelSelector("=x"),
      (e: unknown) => e instanceof ValidationError && e.field === "labelSelector",
    );
    assert.throws(() => parseLabelSelector("a b=c"), ValidationError);
  });
});
