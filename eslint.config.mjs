// Lint rules that hold the project's habits: no floating promises, type-only imports, ===, and no
// import cycles. Generated protobuf code is excluded (it is never edited by hand).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importPlugin from "eslint-plugin-import";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "proto/gen/**", "data/**", "bin/**", ".corral-dev/**"] },
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
      "import/no-cycle": "error",
      // Relative imports name the module without an extension (tsc resolves them), so all read alike.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            ":matches(ImportDeclaration, ExportNamedDeclaration, ExportAllDeclaration)[source.value=/^\\.{1,2}\\/.*\\.js$/]",
          message: "Relative imports take no .js suffix.",
        },
      ],
    },
  },
  {
    files: ["hub/core/**/*.ts", "hub/scheduler/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            "koa",
            "@koa/*",
            "@grpc/*",
            "better-sqlite3",
            "*/proto/*",
            "*/store/*",
            "*/api/*",
            "*/agents/*",
          ],
        },
      ],
    },
  },
  {
    files: ["hub/api/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["better-sqlite3", "*/store/*", "@grpc/*", "*/proto/*"] },
      ],
    },
  },
  {
    files: ["cli/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["*/hub/*", "*/agent/*", "*/proto/*"] }] },
  },
  {
    files: ["agent/hardware/**/*.ts", "agent/runtime/**/*.ts", "agent/state/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["*/proto/*", "@grpc/*"] }] },
  },
);
