/**
 * floe reads other loaders' REST configs by translating them into its one native model here, so
 * nothing deeper down knows dialects exist.
 */
export interface Translated {
  readonly dialect: 'native';
  readonly tree: Record<string, unknown>;
}

export function translateDialect(raw: Record<string, unknown>): Translated {
  return { dialect: 'native', tree: raw };
}
