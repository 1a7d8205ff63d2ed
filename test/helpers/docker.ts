/**
 * Docker test tooling: tests that need the real engine call requireDocker(this) first. Without
 * an engine or the local test image they skip, loudly, on a laptop — but in CI (CI=true) or with
 * CORRAL_REQUIRE_DOCKER=1 they fail, so the Docker path cannot silently go untested.
 *
 * Setup: `bash scripts/install-docker.sh` (root) then `bash scripts/build-test-image.sh`.
 */
import { randomUUID } from "node:crypto";
import Dockerode from "dockerode";

/** Built locally by scripts/build-test-image.sh (busybox, no registry needed). */
export const TEST_IMAGE = "corral-test/busybox:1";

/** Engine socket the tests use. @default DOCKER_SOCKET env, else "/var/run/docker.sock" */
export const TEST_DOCKER_SOCKET = process.env["DOCKER_SOCKET"] ?? "/var/run/docker.sock";

function mustHaveDocker(): boolean {
  return process.env["CI"] === "true" || process.env["CORRAL_REQUIRE_DOCKER"] === "1";
}

/**
 * A client for the test engine, once it answers and TEST_IMAGE exists. Otherwise skips the test
 * (or the suite, from a `before` hook) with a notice on stderr, or throws in CI.
 */
export async function requireDocker(ctx: Mocha.Context): Promise<Dockerode> {
  const docker = new Dockerode({ socketPath: TEST_DOCKER_SOCKET });
  let reason: string | null = null;
  try {
    await docker.ping();
    try {
      await docker.getImage(TEST_IMAGE).inspect();
    } catch {
      reason = `test image ${TEST_IMAGE} is missing (run: bash scripts/build-test-image.sh)`;
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    reason = `Docker engine unreachable at ${TEST_DOCKER_SOCKET}: ${why} (run: bash scripts/install-docker.sh)`;
  }
  if (reason === null) return docker;
  if (mustHaveDocker()) {
    throw new Error(`[docker] required (CI=true or CORRAL_REQUIRE_DOCKER=1) but ${reason}`);
  }
  process.stderr.write(`[docker] skipping: ${reason}\n`);
  ctx.skip();
  // ctx.skip() throws mocha's Pending; this line only satisfies the return type.
  throw new Error("unreachable");
}

/** Force-removes every container labelled `corral.node=<nodeId>`; returns how many. */
export async function removeNodeContainers(docker: Dockerode, nodeId: string): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`corral.node=${nodeId}`] },
  });
  await Promise.all(
    containers.map(
      (c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined), // already gone: nothing to clean
    ),
  );
  return containers.length;
}

/** A node id no other test run uses (a UUID, like real node ids: container names take its first
 * 8 characters), so parallel runs on one engine stay apart. */
export function uniqueNodeId(): string {
  return randomUUID();
}

/** Removes every volume labelled `corral.node=<nodeId>` (containers using them must be gone). */
export async function removeNodeVolumes(docker: Dockerode, nodeId: string): Promise<number> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`corral.node=${nodeId}`] } });
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  );
  return (Volumes ?? []).length;
}
