import type { FlagSet } from '@aiflags/core';

type Entry = { readonly written: unknown };

/** Entries compared between two pauses of changedFlagsInSlices (two JSON.stringify each: 2000 held the loop 10-20 ms). */
const SLICE = 500;

/** Keys of the flags and kill switches whose definitions differ between two flag sets (added and removed included). */
export function changedFlags(before: FlagSet | undefined, after: FlagSet): string[] {
  const steps = diffSteps(before, after);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** changedFlags that awaits `pause()` every few thousand entries, so a large diff does not hold the event loop. */
export async function changedFlagsInSlices(
  before: FlagSet | undefined,
  after: FlagSet,
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<string[]> {
  const steps = diffSteps(before, after);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

function* diffSteps(before: FlagSet | undefined, after: FlagSet): Generator<void, string[]> {
  const changed = new Set<string>();
  let count = 0;
  const tick = () => ++count % SLICE === 0;
  yield* diff(before?.flags, after.flags, changed, tick);
  yield* diff(before?.killSwitches, after.killSwitches, changed, tick);
  // A changed segment can change any flag that targets it.
  if (before && !sameEntries(before.segments, after.segments)) for (const key of after.flags.keys()) changed.add(key);
  return [...changed];
}

function* diff(a: ReadonlyMap<string, Entry> | undefined, b: ReadonlyMap<string, Entry>, out: Set<string>, tick: () => boolean): Generator<void> {
  if (a) {
    for (const [key, entry] of a) {
      if (!same(entry, b.get(key))) out.add(key);
      if (tick()) yield;
    }
  }
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
