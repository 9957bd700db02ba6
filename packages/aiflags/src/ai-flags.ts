import type { Client } from '@openfeature/server-sdk';
import { aiFlags as createAiFlags, type AiFlags, type AiFlagsOptions } from '@aiflags/ai';
import { defaultMetrics, defaultShadowResults } from './default-metrics.js';
import type { RuntimeConfig } from './runtime.js';

export interface DefaultAiFlagsOptions extends AiFlagsOptions {
  /** Where the default metric store lives when `metrics` is not given (flag file, state dir, Redis). */
  runtime?: RuntimeConfig;
}

/**
 * AI helpers over any OpenFeature client (see `@aiflags/ai`). Without `metrics`, exposures and outcomes go
 * to the store `aiflags report` reads: `.aiflags/` beside the flag file, or Redis when REDIS_URL is set.
 * Shadow results are written where `aiflags rollout` reads the shadow evidence, unless `shadowing.store` is
 * given: `.aiflags/replay/<flag>.jsonl` (flag version `shadow`), or a Redis stream per flag when REDIS_URL is set,
 * so the shadows of every instance count.
 */
export function aiFlags(client: Client, options: DefaultAiFlagsOptions = {}): AiFlags {
  const { runtime, ...rest } = options;
  const shadowStore = rest.shadowing?.store ?? defaultShadowResults(runtime);
  return createAiFlags(client, { ...rest, metrics: rest.metrics ?? defaultMetrics(runtime), shadowing: { ...rest.shadowing, store: shadowStore } });
}
