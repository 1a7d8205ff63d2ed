/** A stored package file (a helm chart...), kept for clients that upload and list them. */
export interface Artifact {
  id: string;
  /** What it is, e.g. "helm-chart". */
  kind: string;
  scope: string;
  name: string;
  version: string;
  fileName: string;
  sizeBytes: number;
  content: Buffer;
  owner: string;
  createdAt: number;
}

export type ArtifactInfo = Omit<Artifact, "content">;
