/**
 * Finds regex shapes that backtrack catastrophically in backtracking engines (`(a+)+`, `(a*)*`,
 * `((ab)+c)*`): a group holding a repeating quantifier that is itself repeated. Evaluation here uses
 * re2js (linear time) anyway; the check keeps such patterns out of flag files that may be exported to
 * LaunchDarkly or Unleash, whose SDKs use backtracking engines.
 */

interface OpenGroup {
  start: number;
  repeats: boolean;
}

/** The offending fragment (e.g. `(a+)+`), or undefined when the pattern has no nested repetition. */
export function findNestedQuantifier(pattern: string): string | undefined {
  const stack: OpenGroup[] = [];
  let closed: OpenGroup | undefined;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const quantifier = quantifierAt(pattern, i);
    if (quantifier !== undefined) {
      if (quantifier.repeats) {
        if (closed?.repeats) return pattern.slice(closed.start, i + quantifier.length);
        const top = stack[stack.length - 1];
        if (top) top.repeats = true;
      }
      closed = undefined;
      i += quantifier.length;
      if (pattern[i] === '?' || pattern[i] === '+') i++; // lazy / possessive suffix
      continue;
    }
    closed = undefined;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      i = skipClass(pattern, i);
    } else if (c === '(') {
      stack.push({ start: i, repeats: false });
      i++;
    } else if (c === ')') {
      const group = stack.pop();
      if (group) {
        const parent = stack[stack.length - 1];
        if (parent && group.repeats) parent.repeats = true;
        closed = group;
      }
      i++;
    } else {
      i++;
    }
  }
  return undefined;
}

function quantifierAt(p: string, i: number): { length: number; repeats: boolean } | undefined {
  const c = p[i];
  if (c === '*' || c === '+') return { length: 1, repeats: true };
  if (c === '?') return { length: 1, repeats: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    return { length: m[0].length, repeats: max > 1 };
  }
  return undefined;
}

/** Index just past the character class starting at `start` (`[...]`, `[^]...]`, escapes honoured). */
function skipClass(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
  return i + 1;
}
