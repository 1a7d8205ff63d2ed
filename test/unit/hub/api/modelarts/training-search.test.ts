import assert from "node:assert/strict";
import { type SearchRow, searchJobs } from "../../../../../hub/api/modelarts/training-search";
import { SearchBody } from "../../../../../hub/api/modelarts/training-schemas";
import { ValidationError } from "../../../../../hub/core/errors";

const row = (id: string, name: string, phase: string, create_time: number, user = "alice"): SearchRow => ({
  id,
  name,
  description: "",
  user_name: user,
  workspace_id: "0",
  phase,
  secondary_phase: phase,
  flavor_id: "f",
  create_time,
  duration: create_time / 10,
  tags: id === "b" ? [{ key: "team", value: "x" }] : [],
});
const ROWS = [
  row("a", "alpha", "Running", 100),
  row("b", "beta", "Completed", 200, "bob"),
  row("c", "gamma", "Failed", 300),
];
const q = (body: unknown) => SearchBody.parse(body);
const ids = (body: unknown) => searchJobs(ROWS, q(body)).items.map((r) => r.id);

describe("modelarts training job search", () => {
  it("filters with in, not, like and between, all of them at once", () => {
    assert.deepEqual(ids({ filters: [{ key: "phase", operator: "in", value: ["Running", "Failed"] }] }), [
      "c",
      "a",
    ]);
    assert.deepEqual(ids({ filters: [{ key: "phase", operator: "not", value: ["Running"] }] }), ["c", "b"]);
    assert.deepEqual(ids({ filters: [{ key: "name", operator: "like", value: ["AM"] }] }), ["c"]);
    assert.deepEqual(ids({ filters: [{ key: "create_time", operator: "between", value: ["150", "300"] }] }), [
      "c",
      "b",
    ]);
    assert.deepEqual(
      ids({
        filters: [
          { key: "create_time", operator: "between", value: ["0", "250"] },
          { key: "user_name", operator: "in", value: ["alice"] },
        ],
      }),
      ["a"],
    );
    assert.deepEqual(ids({ tags: [{ key: "team", values: [] }] }), ["b"]);
  });

  it("sorts, groups and pages, newest first by default", () => {
    assert.deepEqual(ids({}), ["c", "b", "a"]);
    assert.deepEqual(ids({ sort_by: "name", order: "asc" }), ["a", "b", "c"]);
    assert.deepEqual(ids({ group_by: "user_name", sort_by: "create_time", order: "asc" }), ["a", "c", "b"]);
    const page = searchJobs(ROWS, q({ offset: 1, limit: 1 }));
    assert.deepEqual([page.total, page.items.map((r) => r.id)], [3, ["b"]]);
  });

  it("refuses unknown keys and a between that is not two numbers on a time", () => {
    for (const body of [
      { filters: [{ key: "colour", operator: "in", value: ["x"] }] },
      { filters: [{ key: "name", operator: "between", value: ["1", "2"] }] },
      { filters: [{ key: "create_time", operator: "between", value: ["1"] }] },
      { group_by: "colour" },
    ]) {
      assert.throws(() => searchJobs(ROWS, q(body)), ValidationError, JSON.stringify(body));
    }
  });
});
