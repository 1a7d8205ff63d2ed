import { CachedBody, CachedBodyTags } from "../middleware/cached-body";
import type { NodeJson } from "./node-json";

interface Entry {
  /** The tags of the node texts the body was made of, in order. */
  tags: string[];
  token: string | null;
  body: CachedBody;
}

/**
 * The node list's answers as bytes, one per filter (cluster, position, limit: the key), made
 * again only when what it is made of changed: the node texts (NodeJsonCache gives each text a
 * tag, so comparing the tags in order sees a changed node, a join, a removal and a new order) or
 * the continue token. A steady full list of 1k nodes is then 1k tag comparisons, not a 2.4 MiB
 * string join and UTF-8 encoding per request (issue 15). At most `maxEntries` filters are kept,
 * least recently used out first: memory is bounded whatever queries clients send.
 */
export class NodeListBodies {
  private readonly entries = new Map<string, Entry>();
  private readonly tags = new CachedBodyTags();

  /** @param maxEntries filters kept (each holds its body, and its gzip once asked for). @default 16 */
  constructor(private readonly maxEntries = 16) {}

  /** The body `{"items":[...texts],"continue"?:token}` for `key`, the cached one when still right. */
  body(key: string, items: readonly NodeJson[], token: string | null): CachedBody {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key); // re-inserted below: the Map's order is least recently used first
      if (cached.token === token && sameTags(cached.tags, items)) {
        this.entries.set(key, cached);
        return cached.body;
      }
    }
    const text = `{"items":[${items.map((i) => i.json).join(",")}]${token === null ? "" : `,"continue":${JSON.stringify(token)}`}}`;
    const entry = {
      tags: items.map((i) => i.tag),
      token,
      body: new CachedBody(Buffer.from(text), this.tags.next()),
    };
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return entry.body;
  }

  /** How many filters have a body now (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }
}

function sameTags(tags: readonly string[], items: readonly NodeJson[]): boolean {
  if (tags.length !== items.length) return false;
  for (let i = 0; i < tags.length; i++) if (tags[i] !== (items[i] as NodeJson).tag) return false;
  return true;
}
