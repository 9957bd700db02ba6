/** The bucketing units every contender evaluates: `user-0` … `user-<count-1>`, deterministic across runs. */
export function makeUserKeys(count: number): string[] {
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) keys[i] = `user-${i}`;
  return keys;
}
