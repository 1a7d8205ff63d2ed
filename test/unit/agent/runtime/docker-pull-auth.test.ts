import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import { DockerRuntime } from "../../../../agent/runtime/docker-runtime";
import { RuntimeError } from "../../../../agent/runtime/runtime";
import { taskSpec } from "../../../helpers/task-spec";

/**
 * An engine client that has no image and records what a pull asks for, then refuses it: enough to
 * see the credentials DockerRuntime hands the engine without a registry that demands them.
 */
function recordingEngine(pulls: { image: string; opts: Record<string, unknown> }[]): Dockerode {
  const stub = {
    getImage: () => ({
      inspect: () => Promise.reject(Object.assign(new Error("no such image"), { statusCode: 404 })),
    }),
    pull: (image: string, opts: Record<string, unknown>) => {
      pulls.push({ image, opts });
      return Promise.reject(Object.assign(new Error("pull access denied"), { statusCode: 403 }));
    },
  };
  return stub as unknown as Dockerode; // only the two calls start() makes before pulling are needed
}

describe("DockerRuntime pulls with a task's registry credentials", () => {
  it("sends them as the pull's auth config, and nothing for public images", async () => {
    const pulls: { image: string; opts: Record<string, unknown> }[] = [];
    const rt = new DockerRuntime({ nodeId: "n", docker: recordingEngine(pulls) });
    const registryAuth = {
      serverAddress: "registry.private.example:5000",
      username: "puller",
      password: "s3cret",
    };
    await assert.rejects(
      rt.start(taskSpec({ image: "registry.private.example:5000/edge/app:1", registryAuth })),
      (err: unknown) =>
        err instanceof RuntimeError && err.reason === "image_unavailable" && !err.message.includes("s3cret"),
    );
    await assert.rejects(rt.start(taskSpec({ image: "public/app:1" })), RuntimeError);
    assert.deepEqual(pulls[0]?.opts.authconfig, {
      username: "puller",
      password: "s3cret",
      serveraddress: "registry.private.example:5000",
    });
    assert.equal(pulls[1]?.opts.authconfig, undefined);
    await rt.close();
  });
});
