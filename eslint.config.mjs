// Lint rules that hold the project's habits: no floating promises, type-only imports, ===, and no
// import cycles. Generated protobuf code is excluded (it is never edited by hand), and so are the
// fixtures under test/fixtures (some break these rules on purpose, for the lint tests).
//
// Import cycles: import/no-cycle resolves our extensionless relative imports with the node
// resolver (extensions .ts, .js) and skips packages (ignoreExternal: they cannot import us back, and
// parsing node_modules is slow). It never follows `import type` edges (the plugin has no option to:
// a type-only import leaves no runtime edge, so it cannot break module loading), but a type cycle
// still ties files together that should layer: test/unit/lint/import-cycles.test.ts holds those
// over the whole import graph. Both are proved on real files by test/unit/lint.
//
// Layer boundaries (the core imports no adapter; hub/api reaches no store; surfaces never import
// each other; only the gateway and the agent's link speak proto/) are `no-restricted-imports`
// bans. That rule's options do not merge across config blocks (the last block matching a file
// wins), so each block below lists every ban for its files. Bans match the import text with
// regexes, so a relative path of any depth ("../../store/x") or suffix (".js") is caught without
// resolving it. test/unit/lint/boundaries.test.ts proves each ban fires.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importPlugin from "eslint-plugin-import";

/** The REST surfaces, one folder each under hub/api (modelarts is the next one). */
const SURFACES = ["native", "openpai", "otestack", "runai", "modelarts"];

/** Matches an import path that has `name` as one of its folders or its last part. */
const folder = (name) => `(^|/)(${name})(/|$)`;

const PROTO = {
  regex: folder("proto"),
  message: "Only hub/agents and agent/link speak the wire protocol: import what they export, not proto/.",
};
const STORE = {
  regex: folder("store"),
  message: "hub/api talks to the core only: no hub/store import (ask a core service).",
};
const REPOSITORIES = {
  regex: "(^|/)core/repositories$",
  message: "hub/api calls no repository: ask a core service.",
};
const API_PACKAGES = {
  group: ["better-sqlite3", "@grpc/*"],
  message: "hub/api is HTTP over the core: no SQLite or gRPC.",
};
/** A surface folder importing another surface folder ("../openpai/x" from hub/api/native/). */
const otherSurfaces = (self) => ({
  regex: `^(\\.\\./)+(${SURFACES.filter((s) => s !== self).join("|")})(/|$)`,
  message: `Surfaces never import each other (hub/api/${self}): shared code goes to hub/api or hub/core.`,
});
const API_BANS = [PROTO, STORE, REPOSITORIES, API_PACKAGES];

const bans = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

/** No `.js` on relative imports. `no-restricted-syntax` does not merge across blocks: repeat it. */
const NO_JS_SUFFIX = {
  selector:
    ":matches(ImportDeclaration, ExportNamedDeclaration, ExportAllDeclaration)[source.value=/^\\.{1,2}\\/.*\\.js$/]",
  message: "Relative imports take no .js suffix.",
};
/** `core.signals` / `this.core.signals` in hub/api. */
const NO_SIGNALS = ["[object.name='core']", "[object.property.name='core']"].map((object) => ({
  selector: `MemberExpression[property.name='signals']${object}`,
  message: "Surfaces subscribe to no core signal: contribute a hook (hub/api/surface.ts); startHub wires it.",
}));

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "proto/gen/**",
      "data/**",
      "bin/**",
      ".corral-dev/**",
      "test/fixtures/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: {
      "import/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import/resolver": { node: { extensions: [".ts", ".js"] } },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "import/no-cycle": ["error", { ignoreExternal: true }],
      // Relative imports name the module without an extension (tsc resolves them), so all read alike.
      "no-restricted-syntax": ["error", NO_JS_SUFFIX],
    },
  },
  {
    // The wire protocol stays behind the gateway and the agent's link. Tests may speak it (a raw
    // AgentLink client in test/integration/native-api.test.ts); scripts/bench does not need to.
    files: ["**/*.ts"],
    ignores: ["hub/agents/**", "agent/link/**", "test/**"],
    rules: bans(PROTO),
  },
  {
    files: ["hub/core/**/*.ts", "hub/scheduler/**/*.ts"],
    rules: bans(
      PROTO,
      {
        group: ["koa", "@koa/*", "@grpc/*", "better-sqlite3"],
        message: "The core imports no Koa, gRPC or SQLite.",
      },
      { regex: folder("store|api|agents"), message: "The core imports no adapter (store, api, agents)." },
    ),
  },
  {
    files: ["hub/api/**/*.ts"],
    rules: {
      ...bans(...API_BANS),
      "no-restricted-syntax": [
        "error",
        NO_JS_SUFFIX,
        ...NO_SIGNALS,
        {
          selector: "MemberExpression[property.name='store'][object.name='core']",
          message: "hub/api talks to core services, never to core.store.",
        },
        {
          selector: "MemberExpression[property.name='store'][object.property.name='core']",
          message: "hub/api talks to core services, never to core.store.",
        },
        {
          selector: "VariableDeclarator[init.name='core'] > ObjectPattern > Property[key.name='store']",
          message: "hub/api talks to core services, never to core.store.",
        },
      ],
    },
  },
  ...SURFACES.map((surface) => ({
    files: [`hub/api/${surface}/**/*.ts`],
    rules: bans(...API_BANS, otherSurfaces(surface)),
  })),
  {
    files: ["cli/**/*.ts"],
    rules: bans(PROTO, {
      regex: "^(\\.\\./)+(hub|agent)(/|$)",
      message: "The CLI talks to the hub over HTTP only: no hub or agent import.",
    }),
  },
  {
    // The web console (web/, its own tsconfig: DOM, JSX, bundler resolution): the same habits, type
    // checked against web/tsconfig.json; it reaches the hub over the native API only.
    files: ["web/**/*.ts", "web/**/*.tsx", "web/**/*.mts"],
    languageOptions: {
      parserOptions: { project: "./web/tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: {
      "import/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import/resolver": { node: { extensions: [".ts", ".tsx", ".js"] } },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "import/no-cycle": ["error", { ignoreExternal: true }],
      "no-restricted-syntax": ["error", NO_JS_SUFFIX],
      ...bans(PROTO, {
        // Two or more levels up leaves web/src (web/src/lib is the console's own, one level up).
        regex: "^(\\.\\./){2,}(hub|agent|cli|lib|test)(/|$)",
        message: "The console talks to the hub over the native API only: no hub, agent, CLI or lib import.",
      }),
    },
  },
  {
    // lib/ is what every process may share (the hub and the CLI both frame WebSockets with it).
    files: ["lib/**/*.ts"],
    rules: bans(PROTO, {
      regex: "^(\\.\\./)+(hub|agent|cli)(/|$)",
      message: "lib/ imports nothing of ours: every process may use it.",
    }),
  },
  {
    files: ["agent/hardware/**/*.ts", "agent/runtime/**/*.ts", "agent/state/**/*.ts"],
    rules: bans(PROTO, { group: ["@grpc/*"], message: "Only agent/link speaks gRPC." }),
  },
);
