/**
 * Parses a form body with bracketed keys as the `request` library's `qs` writes them
 * (`taskRoles[0][name]=main`) into nested objects and arrays. Values stay strings.
 */
export function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((s, i) => i === 0 || s !== "");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const container = node as Record<string, unknown>;
      if (last) {
        container[segment] = value;
        return;
      }
      if (typeof container[segment] !== "object" || container[segment] === null)
        container[segment] = /^\d+$/.test(path[i + 1] ?? "") ? [] : {};
      node = container[segment] as Record<string, unknown>;
    });
  }
  return root;
}
