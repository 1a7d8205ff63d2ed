import fs from "node:fs";
import path from "node:path";

/** What Join gave this node; kept so restarts reconnect as the same node without a join token. */
export interface NodeIdentity {
  hub: string;
  cluster: string;
  nodeName: string;
  nodeId: string;
  /** Secret: file mode 0600, never logged. */
  credential: string;
}

const FILE = "node.json";

export function loadIdentity(dataDir: string): NodeIdentity | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), "utf8")) as Partial<NodeIdentity>;
    if (parsed.nodeId && parsed.credential && parsed.cluster && parsed.nodeName && parsed.hub)
      return parsed as NodeIdentity;
    return null;
  } catch {
    return null;
  }
}

export function saveIdentity(dataDir: string, identity: NodeIdentity): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeAtomically(path.join(dataDir, FILE), JSON.stringify(identity, null, 2), 0o600);
}

/** Write to a temp file and rename, so a crash never leaves a half-written file. */
export function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}
