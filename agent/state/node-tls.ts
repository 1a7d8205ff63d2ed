import fs from "node:fs";
import path from "node:path";
import { writeAtomically } from "./identity";

/** What the agent keeps to reach the hub over mutual TLS (issue 13). */
export interface NodeTlsFiles {
  /** The hub CA this agent trusts (pinned at the first join, or CORRAL_HUB_CA_FILE). */
  hubCa: string | null;
  /** The node's private key (PKCS#8 PEM). Secret: file mode 0600, never sent anywhere. */
  key: string | null;
  /** The node's client certificate, signed by the hub CA. */
  cert: string | null;
}

type Name = keyof NodeTlsFiles;
const FILES: Record<Name, { file: string; mode: number }> = {
  hubCa: { file: "hub-ca.crt", mode: 0o644 },
  key: { file: "node.key", mode: 0o600 },
  cert: { file: "node.crt", mode: 0o644 },
};

/**
 * The agent's TLS files in `<dataDir>/tls` (directory 0700), or in memory for simulated agents
 * (dataDir null).
 */
export class NodeTlsStore {
  private readonly memory: NodeTlsFiles = { hubCa: null, key: null, cert: null };

  constructor(private readonly dataDir: string | null) {}

  /** Where the pinned hub CA is kept (for messages), or null in memory. */
  get hubCaPath(): string | null {
    return this.dataDir ? path.join(this.dataDir, "tls", FILES.hubCa.file) : null;
  }

  read(name: Name): string | null {
    if (!this.dataDir) return this.memory[name];
    try {
      return fs.readFileSync(path.join(this.dataDir, "tls", FILES[name].file), "utf8");
    } catch {
      return null;
    }
  }

  write(name: Name, pem: string): void {
    if (!this.dataDir) {
      this.memory[name] = pem;
      return;
    }
    const dir = path.join(this.dataDir, "tls");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeAtomically(path.join(dir, FILES[name].file), pem, FILES[name].mode);
  }
}
