import { describe, expect, it } from 'vitest';
import { findAmbiguousAlternation } from '../src/index.js';

// Local evaluation runs re2js (linear) and accepts these; the LaunchDarkly exporter refuses them, because
// LaunchDarkly's SDKs run backtracking engines (see packages/launchdarkly/test/export-backtracking.test.ts).
const AMBIGUOUS = ['^(a|a)+$', '^(a|aa)*b$', '^(a|ab)*$', '^(?:x|y|x)*$', '^([a-z]|b)+$', '^(\\d|1)+$', '^(a?b|b)+$', '(a|a){2,}'];
const SAFE = ['^(foo|bar)+$', '^(?:x|y)*$', '^([a-z]|_)+$', '^(\\d|x)+$', '^(a|b)?$', '(ab|cd){2}', '^[(|]+$', '@acme\\.com$'];

describe('findAmbiguousAlternation: a repeated group whose alternatives can start alike', () => {
  it.each(AMBIGUOUS)('%s is found', (pattern) => expect(findAmbiguousAlternation(pattern)).toBeDefined());
  it.each(SAFE)('%s is not', (pattern) => expect(findAmbiguousAlternation(pattern)).toBeUndefined());
});
