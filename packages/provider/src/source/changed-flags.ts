import type { FlagSet } from '@aiflags/core';

type Sections = Record<string, Record<string, unknown> | undefined>;

/** Keys of the flags and kill switches whose definitions differ between two flag sets (added and removed included). */
export function changedFlags(before: FlagSet | undefined, after: FlagSet): string[] {
  const changed = new Set<string>();
  const a = (before ?? {}) as unknown as Sections;
  const b = after as unknown as Sections;
  for (const section of ['flags', 'killSwitches']) {
    const x = a[section] ?? {};
    const y = b[section] ?? {};
    for (const key of Object.keys(x)) if (!(key in y) || JSON.stringify(x[key]) !== JSON.stringify(y[key])) changed.add(key);
    for (const key of Object.keys(y)) if (!(key in x)) changed.add(key);
  }
  // A changed segment can change any flag that targets it; report every flag when the segments moved.
  if (JSON.stringify(a.segments ?? {}) !== JSON.stringify(b.segments ?? {})) {
    for (const key of Object.keys(b.flags ?? {})) changed.add(key);
  }
  return [...changed];
}
