import type { Client } from '@openfeature/server-sdk';
import { aiFlags as createAiFlags, type AiFlags, type AiFlagsOptions } from '@aiflags/ai';
import { defaultMetrics } from './default-metrics.js';
import type { RuntimeConfig } from './runtime.js';

export interface DefaultAiFlagsOptions extends AiFlagsOptions {
  /** Where the default metric store lives when `metrics` is not given (flag file, state dir, Redis). */
  runtime?: RuntimeConfig;
}

/**
 * AI helpers over any OpenFeature client (see `@aiflags/ai`). Without `metrics`, exposures and outcomes go
 * to the store `aiflags report` reads: `.aiflags/` beside the flag file, or Redis when REDIS_URL is set.
 */
export function aiFlags(client: Client, options: DefaultAiFlagsOptions = {}): AiFlags {
  const { runtime, ...rest } = options;
  return createAiFlags(client, { ...rest, metrics: rest.metrics ?? defaultMetrics(runtime) });
}
