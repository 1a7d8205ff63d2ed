/** Small helpers shared by the repositories for JSON columns and booleans. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === "") return fallback;
  return JSON.parse(text) as T;
}

export const bool = (v: number): boolean => v !== 0;
export const int = (v: boolean): number => (v ? 1 : 0);
