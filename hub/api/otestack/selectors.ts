/** OTE-stack's `all` label selects every cluster (or every node of a selected cluster). */
export const ALL = "all";

/** An OTE cluster or node label as a core selector: `all` is null (every one). */
export const selectorOf = (label: string): string | null => (label === ALL ? null : label);

/** A core selector as OTE writes it. */
export const labelOf = (selector: string | null): string => selector ?? ALL;
