import type { FlagSet } from '@aiflags/core';

type Entry = { readonly written: unknown };

/** Keys of the flags and kill switches whose definitions differ between two flag sets (added and removed included). */
export function changedFlags(before: FlagSet | undefined, after: FlagSet): string[] {
  const changed = new Set<string>();
  diff(before?.flags, after.flags, changed);
  diff(before?.killSwitches, after.killSwitches, changed);
  // A changed segment can change any flag that targets it.
  if (before && !sameEntries(before.segments, after.segments)) for (const key of after.flags.keys()) changed.add(key);
  return [...changed];
}

function diff(a: ReadonlyMap<string, Entry> | undefined, b: ReadonlyMap<string, Entry>, out: Set<string>): void {
  if (a) for (const [key, entry] of a) if (!same(entry, b.get(key))) out.add(key);
  for (const key of b.keys()) if (!a?.has(key)) out.add(key);
}

function sameEntries(a: ReadonlyMap<string, Entry>, b: ReadonlyMap<string, Entry>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, entry] of a) if (!same(entry, b.get(key))) return false;
  return true;
}

function same(a: Entry | undefined, b: Entry | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a.written) === JSON.stringify(b.written);
}
