import type { ContenderFactory } from '../contender.js';
import { aiflagsRaw } from './aiflags-raw.js';
import { flagdCore } from './flagd-core.js';
import { flagsmith } from './flagsmith.js';
import { growthBook } from './growthbook.js';
import { launchDarkly } from './launchdarkly.js';
import { openFeatureFlagd } from './openfeature-flagd.js';
import { openFeatureConstant, openFeatureInMemory } from './openfeature-in-memory.js';
import { openFeatureLocalProvider } from './openfeature-local-provider.js';
import { unleash } from './unleash.js';

/** Every contender by id, in table order. A worker process is started with one of these ids. */
export const CONTENDERS: Readonly<Record<string, ContenderFactory>> = {
  'aiflags-raw': aiflagsRaw,
  'flagd-core': flagdCore,
  launchdarkly: launchDarkly,
  unleash,
  flagsmith,
  growthbook: growthBook,
  'openfeature-constant': openFeatureConstant,
  'openfeature-in-memory': openFeatureInMemory,
  'openfeature-local-provider': openFeatureLocalProvider,
  'openfeature-flagd': openFeatureFlagd,
};
