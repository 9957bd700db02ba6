/**
 * How conditions read a context in each bucketing mode. A flag migrating from LaunchDarkly or Unleash keeps
 * its vendor's answers at the edges too, so those two modes read the context as the vendor's evaluator does.
 */
import type { HashMode } from '../flags/schema.js';

export interface ConditionDialect {
  /** A missing attribute satisfies a negated condition (`not_in`, `inverted`): Unleash. Else every condition is false. */
  readonly missingMatchesNegated: boolean;
  /** Numeric operators want a JSON number, never a numeric string: LaunchDarkly. */
  readonly strictNumbers: boolean;
  /** A dot path may step into an array by index (`items.0`); LaunchDarkly's attribute references never do. */
  readonly indexArrays: boolean;
}

export const AIFLAGS_DIALECT: ConditionDialect = Object.freeze({ missingMatchesNegated: false, strictNumbers: false, indexArrays: true });
const LAUNCHDARKLY_DIALECT: ConditionDialect = Object.freeze({ missingMatchesNegated: false, strictNumbers: true, indexArrays: false });
const UNLEASH_DIALECT: ConditionDialect = Object.freeze({ missingMatchesNegated: true, strictNumbers: false, indexArrays: true });

/** The dialect of a bucketing mode: launchdarkly and unleash read as their vendors do, the others as aiflags. */
export function dialectOf(hash: HashMode): ConditionDialect {
  return hash === 'launchdarkly' ? LAUNCHDARKLY_DIALECT : hash === 'unleash' ? UNLEASH_DIALECT : AIFLAGS_DIALECT;
}
