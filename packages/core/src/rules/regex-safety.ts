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

/**
 * The offending group (e.g. `(a|aa)*`), or undefined: a repeated group whose top-level alternatives can
 * start with the same character. A backtracking engine then tries every way of splitting the input
 * among the alternatives, exponential in its length (`^(a|aa)*b$` on "aaaa…"). Conservative: a branch
 * starting with a group counts as able to start with anything.
 */
export function findAmbiguousAlternation(pattern: string): string | undefined {
  const opens: number[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') i += 2;
    else if (c === '[') i = skipClass(pattern, i);
    else if (c === '(') opens.push(i++);
    else if (c === ')') {
      const start = opens.pop();
      i++;
      const quantifier = quantifierAt(pattern, i);
      if (start !== undefined && quantifier?.repeats && branchesOverlap(groupBody(pattern.slice(start + 1, i - 1)))) {
        return pattern.slice(start, i + quantifier.length);
      }
    } else i++;
  }
  return undefined;
}

/** A group's content without its `?:` / `?<name>` / lookaround prefix. */
function groupBody(body: string): string {
  const m = /^\?(?::|<[A-Za-z_][A-Za-z0-9_]*>|P<[A-Za-z_][A-Za-z0-9_]*>|=|!|<=|<!)/.exec(body);
  return m ? body.slice(m[0].length) : body;
}

/** Splits at top-level `|` (not inside groups or classes, not escaped). */
function topLevelBranches(body: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let from = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '\\') i += 2;
    else if (c === '[') i = skipClass(body, i);
    else {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '|' && depth === 0) {
        branches.push(body.slice(from, i));
        from = i + 1;
      }
      i++;
    }
  }
  branches.push(body.slice(from));
  return branches;
}

/** True when two alternatives can begin with the same character. */
function branchesOverlap(body: string): boolean {
  const branches = topLevelBranches(body);
  if (branches.length < 2) return false;
  const firsts = branches.map(firstAtom);
  for (let a = 0; a < firsts.length; a++) {
    for (let b = a + 1; b < firsts.length; b++) if (atomsOverlap(firsts[a] as FirstAtom, firsts[b] as FirstAtom)) return true;
  }
  return false;
}

/** What a branch can start with: a regex fragment matching one character, or 'any' (unknown: a group, an empty branch). */
type FirstAtom = { source: string; literal?: string } | 'any';

function firstAtom(branch: string): FirstAtom {
  const c = branch[0];
  if (c === undefined || c === '(' || c === '.' || c === '^' || c === '$') return 'any';
  const next = quantifierAt(branch, 1);
  if (next !== undefined && !next.repeats) return 'any'; // `a?…` may start with what follows
  if (c === '\\') return { source: branch.slice(0, 2) };
  if (c === '[') return { source: branch.slice(0, skipClass(branch, 0)) };
  return { source: c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), literal: c };
}

/** Whether two one-character atoms can match the same character, tried over ASCII and their own literals. */
function atomsOverlap(a: FirstAtom, b: FirstAtom): boolean {
  if (a === 'any' || b === 'any') return true;
  let ra: RegExp;
  let rb: RegExp;
  try {
    ra = new RegExp(`^(?:${a.source})$`, 'u');
    rb = new RegExp(`^(?:${b.source})$`, 'u');
  } catch {
    return true;
  }
  const candidates = [a.literal, b.literal].filter((x): x is string => x !== undefined);
  for (let code = 0; code < 128; code++) candidates.push(String.fromCharCode(code));
  return candidates.some((ch) => ra.test(ch) && rb.test(ch));
}

/** Index just past the character class starting at `start` (`[...]`, `[^]...]`, escapes honoured). */
function skipClass(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
  return i + 1;
}
