/** A page of the notebook/image style: `{current, data, pages, size, total}`. */
export interface Page<T> {
  /** Page number of `offset`, from 1. */
  current: number;
  data: T[];
  pages: number;
  /** Items on this page. */
  size: number;
  total: number;
}

/** Items `offset .. offset+limit` of `all` (offset counts items, as the SDK's offset does). */
export function pageOf<T>(all: readonly T[], offset: number, limit: number): Page<T> {
  const data = all.slice(offset, offset + limit);
  return {
    current: Math.floor(offset / limit) + 1,
    data,
    pages: Math.ceil(all.length / limit),
    size: data.length,
    total: all.length,
  };
}
