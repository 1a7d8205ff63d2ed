/**
 * No import cycle among the project's modules, type-only imports included. ESLint's import/no-cycle
 * (eslint.config.mjs) holds value cycles as you edit; it cannot see `import type` edges, so this
 * test holds those (docs/architecture.md: repository interfaces live with the repositories contract,
 * domain records in model files, so a service and the Store never import each other).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { cycles, importGraph, tsFiles } from "./import-graph";

const ROOT = path.resolve(__dirname, "../../../..");
const rel = (f: string) => path.relative(ROOT, f);

describe("lint: no import cycles, type-only imports included", () => {
  it("hub/, agent/, cli/, lib/ and scripts/ import without a cycle", () => {
    const files = ["hub", "agent", "cli", "lib", "scripts"].flatMap((d) => tsFiles(path.join(ROOT, d)));
    assert.ok(files.length > 100, `found the sources (${files.length} files)`);
    const graph = importGraph(files);
    assert.ok(
      (graph.get(path.join(ROOT, "hub/core/preemption.ts")) ?? []).includes(
        path.join(ROOT, "hub/core/repositories.ts"),
      ),
      "type-only imports are edges of the graph",
    );
    assert.deepEqual(
      cycles(graph).map((c) => c.map(rel)),
      [],
    );
  });

  it("finds a cycle made only of `import type` edges, through extensionless and index imports", () => {
    const dir = path.join(ROOT, "test/fixtures/lint/type-cycle");
    const graph = importGraph(tsFiles(dir));
    assert.deepEqual(graph.get(path.join(dir, "line.ts"))?.map(rel).sort(), [
      "test/fixtures/lint/type-cycle/money/index.ts",
      "test/fixtures/lint/type-cycle/order.ts",
    ]);
    assert.deepEqual(
      cycles(graph).map((c) => c.map(rel)),
      [["test/fixtures/lint/type-cycle/line.ts", "test/fixtures/lint/type-cycle/order.ts"]],
    );
  });

  it("tells a file importing itself, and a chain without a way back, apart", () => {
    const graph = new Map([
      ["a", ["a"]],
      ["b", ["c"]],
      ["c", ["d"]],
      ["d", []],
    ]);
    assert.deepEqual(cycles(graph), [["a"]]);
  });
});
