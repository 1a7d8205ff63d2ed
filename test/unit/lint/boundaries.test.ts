/**
 * The layer boundaries in eslint.config.mjs, proved on small snippets linted in place: each ban
 * fires where it should and stays quiet where the import is allowed, so a config edit that drops
 * or weakens a rule fails here.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

const ROOT = path.resolve(__dirname, "../../../..");

const MESSAGES = {
  store: "no hub/store import",
  repository: "calls no repository",
  coreStore: "never to core.store",
  surfaces: "Surfaces never import each other",
  proto: "Only hub/agents and agent/link speak the wire protocol",
  coreAdapters: "The core imports no adapter",
  jsSuffix: "Relative imports take no .js suffix",
  signals: "Surfaces subscribe to no core signal",
  lib: "lib/ imports nothing of ours",
  web: "The console talks to the hub over the native API only",
} as const;

type Ban = keyof typeof MESSAGES;

describe("lint: layer boundaries (eslint.config.mjs)", function () {
  // Loading the config and its plugins takes a second or two on a busy machine.
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    eslint = new ESLint({
      cwd: ROOT,
      // The snippets are not files of the TypeScript program: lint them without type information,
      // and without the import-cycle check (it needs the file on disk). The boundary rules need
      // neither.
      overrideConfig: [tseslint.configs.disableTypeChecked, { rules: { "import/no-cycle": "off" } }],
    });
  });

  /** The boundary bans `code` breaks when it lives at `filePath` (relative to the repository). */
  async function bansBroken(filePath: string, code: string): Promise<Ban[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
    assert.ok(result, `a result for ${filePath}`);
    const fatal = result.messages.filter((m) => m.fatal || m.ruleId === null);
    assert.deepEqual(fatal, [], `${filePath} lints at all`);
    const broken = new Set<Ban>();
    for (const m of result.messages) {
      for (const [ban, text] of Object.entries(MESSAGES) as [Ban, string][]) {
        if (m.message.includes(text)) broken.add(ban);
      }
    }
    return [...broken].sort();
  }

  /** A module that imports type `name` from `from` and uses it. */
  const use = (from: string, name = "X") =>
    `import type { ${name} } from "${from}";\nexport type Uses${name} = ${name};\n`;

  describe("hub/api imports nothing from hub/store and calls no repository", () => {
    for (const [file, from] of [
      ["hub/api/native/probe.ts", "../../store/sqlite-store"],
      ["hub/api/openpai/protocol/probe.ts", "../../../store/database"],
      ["hub/api/otestack/probe.ts", "../../store/migrations/index"],
    ] as const) {
      it(`${file}: ${from}`, async () => {
        assert.deepEqual(await bansBroken(file, use(from)), ["store"]);
      });
    }

    it("hub/api/probe.ts: ../store/rows.js (a store import, and a .js suffix)", async () => {
      assert.deepEqual(await bansBroken("hub/api/probe.ts", use("../store/rows.js")), ["jsSuffix", "store"]);
    });

    it("hub/api/runai/probe.ts: ../../core/repositories", async () => {
      assert.deepEqual(await bansBroken("hub/api/runai/probe.ts", use("../../core/repositories", "Store")), [
        "repository",
      ]);
    });

    for (const [what, code] of [
      [
        "core.store",
        'import type { Core } from "../../core";\nexport const f = (core: Core) => core.store;\n',
      ],
      [
        "this.core.store",
        'import type { Core } from "../../core";\nexport class A {\n  constructor(private readonly core: Core) {}\n  f() {\n    return this.core.store;\n  }\n}\n',
      ],
      [
        "const { store } = core",
        'import type { Core } from "../../core";\nexport function f(core: Core) {\n  const { store } = core;\n  return store;\n}\n',
      ],
    ] as const) {
      it(`refuses ${what} in a surface`, async () => {
        assert.deepEqual(await bansBroken("hub/api/openpai/probe.ts", code), ["coreStore"]);
      });
    }

    it("lets a surface use the core, its models and hub/api's shared code", async () => {
      const code =
        use("../../core", "Core") +
        use("../../core/model", "Workload") +
        use("../middleware/validate", "Validated");
      assert.deepEqual(await bansBroken("hub/api/native/probe.ts", code), []);
    });
  });

  describe("surfaces never import each other", () => {
    for (const [file, from] of [
      ["hub/api/native/probe.ts", "../openpai/jobs"],
      ["hub/api/openpai/protocol/probe.ts", "../../runai/projects"],
      ["hub/api/runai/probe.ts", "../otestack/index"],
      ["hub/api/otestack/probe.ts", "../native/presenters"],
      ["hub/api/modelarts/probe.ts", "../openpai/errors"],
      ["hub/api/openpai/probe.ts", "../modelarts/index"],
    ] as const) {
      it(`${file}: ${from}`, async () => {
        assert.deepEqual(await bansBroken(file, use(from)), ["surfaces"]);
      });
    }

    it("lets a surface import its own files, at any depth", async () => {
      assert.deepEqual(await bansBroken("hub/api/openpai/protocol/probe.ts", use("../jobs")), []);
      assert.deepEqual(await bansBroken("hub/api/openpai/probe.ts", use("./protocol/render")), []);
    });
  });

  describe("only hub/agents and agent/link import proto/", () => {
    for (const [file, from] of [
      ["hub/hub.ts", "../proto/gen/corral/v1/agent_link"],
      ["hub/core/probe.ts", "../../proto/gen/corral/v1/tasks"],
      ["hub/api/native/probe.ts", "../../../proto/gen/corral/v1/agent_link"],
      ["hub/scheduler/probe.ts", "../../proto/gen/corral/v1/tasks.js"],
      ["agent/runtime/probe.ts", "../../proto/gen/corral/v1/tasks"],
      ["agent/agent.ts", "../proto/gen/corral/v1/agent_link"],
      ["cli/commands/probe.ts", "../../proto/gen/corral/v1/agent_link"],
      ["scripts/bench/probe.ts", "../../proto/gen/corral/v1/agent_link"],
    ] as const) {
      it(`refuses ${file}: ${from}`, async () => {
        assert.ok((await bansBroken(file, use(from))).includes("proto"));
      });
    }

    for (const [file, from] of [
      ["hub/agents/probe.ts", "../../proto/gen/corral/v1/agent_link"],
      ["agent/link/probe.ts", "../../proto/gen/corral/v1/tasks"],
      ["test/integration/probe.ts", "../../proto/gen/corral/v1/agent_link"],
    ] as const) {
      it(`allows ${file}: ${from}`, async () => {
        assert.deepEqual(await bansBroken(file, use(from)), []);
      });
    }
  });

  describe("lib/ imports nothing of ours; hub and cli may import lib/", () => {
    for (const from of ["../hub/core/model", "../agent/runtime/runtime", "../cli/output"]) {
      it(`refuses lib/probe.ts: ${from}`, async () => {
        assert.deepEqual(await bansBroken("lib/probe.ts", use(from)), ["lib"]);
      });
    }
    it("allows cli/probe.ts and hub/api/tunnel/probe.ts to import lib/websocket", async () => {
      assert.deepEqual(await bansBroken("cli/probe.ts", use("../lib/websocket")), []);
      assert.deepEqual(await bansBroken("hub/api/tunnel/probe.ts", use("../../../lib/websocket")), []);
    });
  });

  describe("the web console imports nothing of the hub, agent, CLI or lib/", () => {
    for (const [file, from] of [
      ["web/src/pages/probe.tsx", "../../../hub/core/model"],
      ["web/src/probe.ts", "../../agent/runtime/runtime"],
      ["web/src/api/probe.ts", "../../../lib/websocket"],
    ] as const) {
      it(`refuses ${file}: ${from}`, async () => {
        assert.deepEqual(await bansBroken(file, use(from)), ["web"]);
      });
    }
    it("allows web/src/pages/probe.tsx to import the console's own ../lib/format", async () => {
      assert.deepEqual(await bansBroken("web/src/pages/probe.tsx", use("../lib/format")), []);
    });
  });

  describe("relative imports take no .js suffix, in every folder", () => {
    for (const file of [
      "hub/core/probe.ts",
      "hub/api/probe.ts",
      "hub/api/runai/probe.ts",
      "agent/probe.ts",
      "cli/probe.ts",
    ]) {
      it(`refuses ${file}: ./model.js, allows ./model`, async () => {
        assert.deepEqual(await bansBroken(file, use("./model.js")), ["jsSuffix"]);
        assert.deepEqual(await bansBroken(file, 'export { X } from "./model.js";\n'), ["jsSuffix"]);
        assert.deepEqual(await bansBroken(file, use("./model")), []);
      });
    }
  });

  describe("surfaces subscribe to no core signal (hooks are wired by startHub)", () => {
    for (const [what, code] of [
      [
        "core.signals in a factory",
        'import type { Core } from "../../core";\nexport const f = (core: Core) => core.signals.schedulingNeeded.on(() => {});\n',
      ],
      [
        "this.core.signals in a constructor",
        'import type { Core } from "../../core";\nexport class A {\n  constructor(private readonly core: Core) {\n    this.core.signals.schedulingNeeded.on(() => {});\n  }\n}\n',
      ],
    ] as const) {
      it(`refuses ${what}`, async () => {
        assert.deepEqual(await bansBroken("hub/api/openpai/probe.ts", code), ["signals"]);
      });
    }
  });

  it("keeps the core free of adapters (store, api, agents) at any depth", async () => {
    for (const from of ["../store/sqlite-store", "../../api/app", "../agents/gateway"]) {
      assert.deepEqual(await bansBroken("hub/core/deployments/probe.ts", use(`../${from}`)), [
        "coreAdapters",
      ]);
    }
  });

  /**
   * import/no-cycle needs files on disk (it reads what they import): small modules written to a
   * temporary folder in the tree the rule covers, linted, then removed.
   */
  describe("import/no-cycle sees cycles among our extensionless .ts imports", () => {
    let cycles: ESLint;
    const made: string[] = [];
    before(() => {
      cycles = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
    });
    after(() => {
      for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Writes `files` (name -> code) to a new folder under `under`; lints them; import/no-cycle lines by file. */
    async function cycleReports(
      under: string,
      files: Record<string, string>,
    ): Promise<Record<string, string[]>> {
      const dir = fs.mkdtempSync(path.join(ROOT, under, "cycle-probe-"));
      made.push(dir);
      for (const [name, code] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), code);
      const results = await cycles.lintFiles(Object.keys(files).map((name) => path.join(dir, name)));
      const out: Record<string, string[]> = {};
      for (const r of results) {
        const fatal = r.messages.filter((m) => m.fatal);
        assert.deepEqual(fatal, [], `${r.filePath} lints at all`);
        out[path.basename(r.filePath)] = r.messages
          .filter((m) => m.ruleId === "import/no-cycle")
          .map((m) => `${m.line}: ${m.message}`);
      }
      return out;
    }

    for (const under of ["hub/core", "agent"]) {
      it(`${under}: reports both ends of a value cycle, not a file that only imports into it`, async () => {
        const reports = await cycleReports(under, {
          "a.ts": 'import { b } from "./b";\nexport const a = (): number => b() + 1;\n',
          "b.ts": 'import { a } from "./a";\nexport const b = (): number => a() - 1;\n',
          "c.ts": 'import { a } from "./a";\nexport const c = (): number => a();\n',
        });
        assert.deepEqual(reports, {
          "a.ts": ["1: Dependency cycle detected."],
          "b.ts": ["1: Dependency cycle detected."],
          "c.ts": [],
        });
      });
    }

    it("hub/core: follows a longer cycle through a folder's index", async () => {
      const reports = await cycleReports("hub/core", {
        "a.ts": 'import { b } from "./b";\nexport const a = (): number => b();\n',
        "b.ts": 'import { index } from "./";\nexport const b = (): number => index();\n',
        "index.ts": 'import { a } from "./a";\nexport const index = (): number => a();\n',
      });
      assert.deepEqual(
        Object.values(reports).map((r) => r.length),
        [1, 1, 1],
      );
    });

    it("skips `import type` edges (import-cycles.test.ts holds type cycles)", async () => {
      const reports = await cycleReports("hub/core", {
        "a.ts": 'import type { B } from "./b";\nexport interface A {\n  b: B;\n}\n',
        "b.ts": 'import type { A } from "./a";\nexport interface B {\n  a: A;\n}\n',
      });
      assert.deepEqual(reports, { "a.ts": [], "b.ts": [] });
    });
  });
});
