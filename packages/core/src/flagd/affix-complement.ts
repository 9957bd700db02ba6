/**
 * A pattern for "a string that does not start (or end) with `text`", for the `false` of a bare
 * starts_with / ends_with: flagd answers false for such a string and null for anything else, which a
 * negated aiflags condition cannot tell apart. Code point by code point, anchored, without nested quantifiers.
 */

/** Longest prefix or suffix turned into a pattern, in code points (the pattern grows with its square). */
export const MAX_AFFIX_LENGTH = 24;

const codePoint = (c: string) => `\\x{${(c.codePointAt(0) as number).toString(16)}}`;

/** `^(?:[^a]|a[^b]|ab[^c])` or shorter than the prefix and a part of it: `^(?:|a|ab)$`. */
export function notStartingWith(prefix: string): string | undefined {
  const cs = [...prefix].map(codePoint);
  if (cs.length === 0 || cs.length > MAX_AFFIX_LENGTH) return undefined;
  const differs = cs.map((c, i) => `${cs.slice(0, i).join('')}[^${c}]`);
  const shorter = cs.map((_, i) => cs.slice(0, i).join(''));
  return `^(?:${differs.join('|')})|^(?:${shorter.join('|')})$`;
}

/** `(?:[^x][\s\S]{2}|[^y][\s\S]{1}|[^z])$` (a different code point where the suffix would be), or shorter than it. */
export function notEndingWith(suffix: string): string | undefined {
  const cs = [...suffix].map(codePoint);
  const n = cs.length;
  if (n === 0 || n > MAX_AFFIX_LENGTH) return undefined;
  const differs = cs.map((c, i) => `[^${c}]${n - 1 - i > 0 ? `[\\s\\S]{${n - 1 - i}}` : ''}`);
  return `(?:${differs.join('|')})$|^[\\s\\S]{0,${n - 1}}$`;
}
