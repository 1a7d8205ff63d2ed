import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * The repository root: the nearest folder above this file holding a package.json. Works from
 * the compiled copy (dist/test/helpers, which has no package.json) and from the source.
 */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** The recorded nvidia-smi output the tests read: `test/fixtures/nvidia-smi/` (see its README). */
export function nvidiaSmiFixturesDir(): string {
  return path.join(repoRoot(), "test", "fixtures", "nvidia-smi");
}

/** A file in the nvidia-smi fixtures. */
export function nvidiaSmiFixture(name: string): string {
  return path.join(nvidiaSmiFixturesDir(), name);
}

/** Example OpenPAI job configs (v2 YAML, v1 JSON): `test/fixtures/openpai/`. */
export function openpaiFixturesDir(): string {
  return path.join(repoRoot(), "test", "fixtures", "openpai");
}

const FAKE_VARS = [
  "FAKE_NVIDIA_SMI_FIXTURE",
  "FAKE_NVIDIA_SMI_FAIL",
  "FAKE_NVIDIA_SMI_SLEEP_MS",
  "FAKE_NVIDIA_SMI_REJECT_FIELDS",
  "FAKE_NVIDIA_SMI_LOG",
];

/**
 * Sets the fake nvidia-smi's variables (children inherit process.env), clearing the others;
 * call with {} in afterEach.
 */
export function setFakeEnv(vars: Record<string, string>): void {
  for (const name of FAKE_VARS) delete process.env[name];
  Object.assign(process.env, vars);
}

/** The fake nvidia-smi script (test/fixtures/fake-nvidia-smi, run straight from the source tree). */
export function fakeNvidiaSmiPath(): string {
  return path.join(repoRoot(), "test", "fixtures", "fake-nvidia-smi");
}

/** One section of an nvidia_gpu_exporter capture file: the args after `nvidia-smi` and the output. */
export interface CaptureSection {
  command: string;
  body: string;
}

/**
 * Splits a capture file (sections headed `# $ nvidia-smi <args>` between `####` banners) into
 * its sections, in file order; the same rules as the fake nvidia-smi uses.
 */
export function captureSections(text: string): CaptureSection[] {
  const lines = text.split("\n");
  const banner = /^#{10,}$/;
  const sections: CaptureSection[] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^# \$ nvidia-smi(?: (.*))?$/.exec(line);
    if (m === null || !banner.test(lines[i + 1] ?? "")) continue;
    let end = i + 2;
    while (end < lines.length && !banner.test(lines[end] ?? "")) end++;
    const body = lines
      .slice(i + 2, end)
      .join("\n")
      .replace(/\n+$/, "");
    sections.push({ command: (m[1] ?? "").trim(), body: body === "" ? "" : `${body}\n` });
  }
  return sections;
}

/** The first section whose command satisfies `match`; throws when there is none. */
export function captureSection(text: string, match: (command: string) => boolean): string {
  const found = captureSections(text).find((s) => match(s.command));
  if (found === undefined) throw new Error("no such capture section");
  return found.body;
}
