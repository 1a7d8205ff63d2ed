import fs from "node:fs";
import path from "node:path";
import type { TaskSpec } from "../runtime/runtime";
import { writeAtomically } from "./identity";

const FILE = "desired.json";

/**
 * The last desired task set the hub sent, on disk, so a restarted agent that cannot reach the hub
 * still knows what it should be running (and does not stop it).
 */
export class DesiredRecord {
  constructor(private readonly dataDir: string | null) {}

  load(): TaskSpec[] {
    if (!this.dataDir) return [];
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(this.dataDir, FILE), "utf8")) as {
        tasks?: TaskSpec[];
      };
      return Array.isArray(parsed.tasks) ? parsed.tasks : [];
    } catch {
      return [];
    }
  }

  save(tasks: readonly TaskSpec[]): void {
    if (!this.dataDir) return;
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    writeAtomically(path.join(this.dataDir, FILE), JSON.stringify({ savedAt: Date.now(), tasks }), 0o600);
  }
}
