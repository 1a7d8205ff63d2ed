/**
 * The layer boundaries in eslint.config.mjs, proved on small snippets linted in place: each ban
 * fires where it should and stays quiet where the import is allowed, so a config edit that drops
 * or weakens a rule fails here.
 */
import assert from "node:assert/strict";
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
      ["hub/api/probe.ts", "../store/rows.js"],
      ["hub/api/otestack/probe.ts", "../../store/migrations/index"],
    ] as const) {
      it(`${file}: ${from}`, async () => {
        assert.deepEqual(await bansBroken(file, use(from)), ["store"]);
      });
    }

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

  it("keeps the core free of adapters (store, api, agents) at any depth", async () => {
    for (const from of ["../store/sqlite-store", "../../api/app", "../agents/gateway"]) {
      assert.deepEqual(await bansBroken("hub/core/deployments/probe.ts", use(`../${from}`)), [
        "coreAdapters",
      ]);
    }
  });
});
