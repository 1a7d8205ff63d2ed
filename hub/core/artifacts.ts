import type { Artifact, ArtifactInfo } from "./artifact-model";
import { checkName } from "./names";
import type { Clock } from "./clock";
import { ConflictError } from "./errors";
import type { Store } from "./repositories";
import { newId } from "./secrets";

export type { Artifact, ArtifactInfo } from "./artifact-model";

/** Artifacts by kind; (kind, scope, name, version) is unique. */
export class ArtifactService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Oldest first, without their content. */
  list(kind: string): ArtifactInfo[] {
    return this.store.artifacts.list(kind);
  }

  add(input: Omit<Artifact, "id" | "createdAt">): ArtifactInfo {
    checkName("name", input.name);
    checkName("version", input.version);
    checkName("fileName", input.fileName);
    if (
      this.list(input.kind).some(
        (a) => a.scope === input.scope && a.name === input.name && a.version === input.version,
      )
    )
      throw new ConflictError(
        `${input.kind} ${input.name}:${input.version} already exists in ${input.scope}`,
      );
    const artifact: Artifact = { ...input, id: newId(), createdAt: this.clock.now() };
    this.store.artifacts.insert(artifact);
    const { content: _content, ...info } = artifact;
    return info;
  }
}
