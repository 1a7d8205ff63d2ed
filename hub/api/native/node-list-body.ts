import { CachedBodyTags } from "../middleware/cached-body";
import { BodyPart, PartedBody } from "../middleware/gzip-parts";
import type { NodeJson } from "./node-json";

interface Entry {
  /** What the body was made from (NodeListBodies.current()); null: unknown, check the tags. */
  stamp: string | null;
  /** The tags of the node texts the body was made of, in order. */
  tags: string[];
  token: string | null;
  body: PartedBody;
  /** The body's parts by key: the next version of this filter takes the ones still in it. */
  parts: Map<string, BodyPart>;
}

/**
 * Node texts per part: a heartbeat recompresses two parts (its own, and the next, which is
 * compressed after it). 4 texts (~10 KiB) compress nearly as well as the whole list (87 KiB
 * against 79 KiB for 1k nodes; one text a part: 118 KiB, each part's block header and flush).
 */
const NODES_PER_PART = 4;

/** The list's opening bytes, the same for every filter. */
const OPENING = new BodyPart("opening", Buffer.from('{"items":['));

/**
 * The node list's answers as bytes, one per filter (cluster, position, limit: the key), made
 * again only when what it is made of changed: the node texts (NodeJsonCache gives each text a
 * tag, so comparing the tags in order sees a changed node, a join, a removal and a new order) or
 * the continue token. A steady full list of 1k nodes is then 1k tag comparisons, not a 2.4 MiB
 * string join and UTF-8 encoding per request (issue 15). At most `maxEntries` filters are kept,
 * least recently used out first: memory is bounded whatever queries clients send.
 *
 * A body is made of parts (gzip-parts.ts): the opening, one per NODES_PER_PART node texts (with
 * the comma before them) and the closing. A new version takes over the parts whose texts did not
 * change, with their compressed bytes, so with 1k agents heartbeating (each beat changes its
 * node's text: ~100 versions a second) a version costs the changed parts and a join of the rest,
 * not a 2.4 MiB string join and a whole new gzip. A join or removal moves the groups after it:
 * those are made again (as one whole gzip was).
 */
export class NodeListBodies {
  private readonly entries = new Map<string, Entry>();
  private readonly tags = new CachedBodyTags();

  /** @param maxEntries filters kept (each holds its body, and its gzip once asked for). @default 16 */
  constructor(private readonly maxEntries = 16) {}

  /**
   * The body last made for `key` if it was made at `stamp` (the caller's version of everything the
   * body shows: the same stamp, the same body), without looking at a node.
   */
  current(key: string, stamp: string): PartedBody | undefined {
    const cached = this.entries.get(key);
    if (cached?.stamp !== stamp) return undefined;
    this.entries.delete(key); // re-inserted: the Map's order is least recently used first
    this.entries.set(key, cached);
    return cached.body;
  }

  /**
   * The body `{"items":[...texts],"continue"?:token}` for `key`, the cached one when still right;
   * `stamp` (see current()) is kept with it.
   */
  body(
    key: string,
    items: readonly NodeJson[],
    token: string | null,
    stamp: string | null = null,
  ): PartedBody {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key); // re-inserted below: the Map's order is least recently used first
      if (cached.token === token && sameTags(cached.tags, items)) {
        cached.stamp = stamp;
        this.entries.set(key, cached);
        return cached.body;
      }
    }
    const kept = cached?.parts;
    const parts = new Map<string, BodyPart>();
    const list: BodyPart[] = [OPENING];
    const take = (partKey: string, text: () => string) => {
      const part = kept?.get(partKey) ?? new BodyPart(partKey, Buffer.from(text()));
      parts.set(partKey, part);
      list.push(part);
    };
    for (let i = 0; i < items.length; i += NODES_PER_PART) {
      const group = items.slice(i, i + NODES_PER_PART);
      // The first group has no comma before it: another part than the same texts further on.
      const comma = i === 0 ? "" : ",";
      take(`${comma}${group.map((t) => t.tag).join(" ")}`, () => comma + group.map((t) => t.json).join(","));
    }
    const closing = `]${token === null ? "" : `,"continue":${JSON.stringify(token)}`}}`;
    take(`closing ${closing}`, () => closing);
    const entry: Entry = {
      stamp,
      tags: items.map((i) => i.tag),
      token,
      body: new PartedBody(this.tags.next(), list),
      parts,
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
