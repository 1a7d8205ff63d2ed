import { AgentUnavailableError } from "../core/errors";
import { newId } from "../core/secrets";
import type { HubMessage, ImageCommitResult } from "../../proto/gen/corral/v1/agent_link";

/** How long an agent may take to save a container as an image. @default 5 minutes */
export const DEFAULT_COMMIT_TIMEOUT_MS = 5 * 60_000;

interface Pending {
  resolve: (imageId: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Commit requests sent to agents, waiting for their ImageCommitResult by request id. */
export class ImageCommits {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs = DEFAULT_COMMIT_TIMEOUT_MS) {}

  request(
    send: (msg: HubMessage) => void,
    nodeId: string,
    taskId: string,
    attempt: number,
    reference: string,
  ): Promise<string> {
    const requestId = newId();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new AgentUnavailableError(
            `the agent of node ${nodeId} did not save the image within ${this.timeoutMs} ms`,
          ),
        );
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      send({ body: { $case: "imageCommit", value: { requestId, taskId, attempt, reference } } });
    });
  }

  result(r: ImageCommitResult): void {
    const p = this.pending.get(r.requestId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(r.requestId);
    if (r.error) p.reject(new AgentUnavailableError(`the agent could not save the image: ${r.error}`));
    else p.resolve(r.imageId);
  }

  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new AgentUnavailableError("hub shutting down"));
    }
    this.pending.clear();
  }
}
