import type { Column } from '../types.js';
import { joinTypes, isInferredType } from '../normalize/type-lattice.js';

/** The table's columns across segments: every column, in first-seen order, types widened. */
export function unionColumns(a: readonly Column[], b: readonly Column[]): Column[] {
  const out = a.map((c) => ({ ...c }));
  for (const c of b) {
    const i = out.findIndex((x) => x.name === c.name);
    if (i < 0) out.push({ ...c });
    else {
      const have = out[i]!;
      if (have.type !== c.type && isInferredType(have.type) && isInferredType(c.type)) out[i] = { name: c.name, type: joinTypes(have.type, c.type) };
      else if (have.type !== c.type) out[i] = { name: c.name, type: 'string' };
    }
  }
  return out;
}
