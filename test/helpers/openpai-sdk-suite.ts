/**
 * Child-process entry that runs the OpenPAI JS SDK's own API suite
 * (`lib/tests/api_tests/v2/api.v2.spec.js` of @microsoft/openpai-js-sdk) against a running hub,
 * with mocha, and writes a JSON report. The suite reads its cases from `lib/.tests/apiTestCase.json`
 * (which the package's `preapi-test` script generates from its swagger.yaml) and its cluster from
 * `lib/.tests/clusters.json`; the package ships both empty, so this entry generates the cases with
 * the package's own generator and puts both files' contents in the require cache (node_modules is
 * never written). The swagger names the job protocol schema by a GitHub URL: that URL is read from
 * the local copy in PAI_SUITE_PROTOCOL_SCHEMA and any other remote reference fails (no network).
 * The suite imports chai, dirty-chai and nock (dev dependencies of the SDK that npm does not
 * install); small stand-ins below give the few calls it makes.
 *
 * Env: PAI_SUITE_URL (http://host:port), PAI_SUITE_USER, PAI_SUITE_PASSWORD, PAI_SUITE_TOKEN
 * (that user's token), PAI_SUITE_PROTOCOL_SCHEMA (a file), PAI_SUITE_REPORT (the JSON report's path).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import Mocha from "mocha";

export interface SuiteReport {
  passed: string[];
  failed: { title: string; error: string }[];
}

const PROTOCOL_URL =
  "https://raw.githubusercontent.com/microsoft/openpai-protocol/master/schemas/v2/schema.yaml";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

/** A chai `expect` with the assertions the SDK suite uses: true(), eq/equal, an.instanceof. */
function expect(actual: unknown, message?: string) {
  const be = {
    true: () => assert.equal(actual, true, message),
    eq: (expected: unknown) => assert.deepEqual(actual, expected, message),
    equal: (expected: unknown) => assert.deepEqual(actual, expected, message),
    an: {
      instanceof: (type: new (...args: never[]) => unknown) =>
        assert.ok(
          actual instanceof type,
          message ?? `expected an instance of ${type.name}: ${String(actual)}`,
        ),
    },
  };
  return { to: { be } };
}

const shims: Record<string, unknown> = {
  chai: { expect, use: () => undefined },
  "dirty-chai": () => undefined,
  // Only the suite's mock mode (unused here) calls nock.
  nock: () => {
    throw new Error("nock is not available: the suite runs against a real hub");
  },
};

/** Node's module internals this entry hooks (not in @types/node). */
interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
}
const internals = Module as unknown as ModuleInternals;

function cacheModule(filename: string, exports: unknown): void {
  const m = new Module(filename);
  m.filename = filename;
  m.loaded = true;
  m.exports = exports;
  internals._cache[filename] = m;
}

function installShims(): void {
  for (const [name, exports] of Object.entries(shims)) cacheModule(`corral-shim:${name}`, exports);
  const resolve = internals._resolveFilename.bind(Module);
  internals._resolveFilename = (request, parent, ...rest) =>
    request in shims ? `corral-shim:${request}` : resolve(request, parent, ...rest);
}

interface ResolverFile {
  url: string;
}
interface Dereferencer {
  dereference(this: unknown, file: string, options?: unknown): Promise<unknown>;
}

/** The swagger parser resolves the protocol URL from the local schema and refuses other URLs. */
function resolveProtocolLocally(schemaFile: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module instance the SDK's generator uses
  const parser = require("@apidevtools/swagger-parser") as Dereferencer;
  const dereference = parser.dereference;
  parser.dereference = function (file: string) {
    return dereference.call(this, file, {
      resolve: {
        http: {
          read: (f: ResolverFile) => {
            if (f.url !== PROTOCOL_URL) throw new Error(`no network in tests: ${f.url}`);
            return fs.readFileSync(schemaFile, "utf8");
          },
        },
      },
    });
  };
}

interface GeneratedCases {
  tests: unknown[];
  map: Record<string, unknown>;
}

async function main(): Promise<void> {
  const sdk = path.join(path.dirname(require.resolve("@microsoft/openpai-js-sdk/package.json")), "lib");
  const reportFile = env("PAI_SUITE_REPORT");
  installShims();
  resolveProtocolLocally(env("PAI_SUITE_PROTOCOL_SCHEMA"));
  cacheModule(path.join(sdk, ".tests", "clusters.json"), [
    {
      alias: "corral",
      rest_server_uri: env("PAI_SUITE_URL"),
      username: env("PAI_SUITE_USER"),
      password: env("PAI_SUITE_PASSWORD"),
      token: env("PAI_SUITE_TOKEN"),
      https: false,
    },
  ]);
  const generatorModule = path.join(sdk, "tests", "common", "apiTestCaseGenerator.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file path known only at run time
  const { ApiTestCaseGenerator } = require(generatorModule) as {
    ApiTestCaseGenerator: new () => { generate(swagger: string): Promise<GeneratedCases> };
  };
  const cases = await new ApiTestCaseGenerator().generate(path.join(sdk, "src", "api", "v2", "swagger.yaml"));
  cacheModule(path.join(sdk, ".tests", "apiTestCase.json"), cases);

  const mocha = new Mocha({ timeout: 20_000, reporter: Mocha.reporters.Base });
  mocha.addFile(path.join(sdk, "tests", "api_tests", "v2", "api.v2.spec.js"));
  const report: SuiteReport = { passed: [], failed: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on("pass", (test) => report.passed.push(test.fullTitle()));
    runner.on("fail", (test, err: Error) =>
      report.failed.push({ title: test.fullTitle(), error: err.stack ?? err.message }),
    );
  });
  fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
