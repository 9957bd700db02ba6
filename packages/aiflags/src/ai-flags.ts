import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { aiFlags as createAiFlags, type AiFlags, type AiFlagsOptions } from '@aiflags/ai';
import type { FlagSet } from '@aiflags/core';
import { LocalProvider } from '@aiflags/provider';
import { defaultMetrics, defaultShadowResults } from './default-metrics.js';
import type { RuntimeConfig } from './runtime.js';

export interface DefaultAiFlagsOptions extends AiFlagsOptions {
  /** Where the default metric store lives when `metrics` is not given (flag file, state dir, Redis). */
  runtime?: RuntimeConfig;
}

/**
 * AI helpers over any OpenFeature client (see `@aiflags/ai`). Without `metrics`, exposures and outcomes go
 * to the store `aiflags report` reads: `.aiflags/` beside the flag file, or Redis when REDIS_URL is set.
 * The flags' `shadow`, `judges` and `prices` come from the flag file the client's provider serves unless `flags`
 * is given. Shadow results are written where `aiflags rollout` reads the shadow evidence, unless `shadowing.store` is
 * given: `.aiflags/replay/<flag>.jsonl` (flag version `shadow`), or a Redis stream per flag when REDIS_URL is set,
 * so the shadows of every instance count.
 */
export function aiFlags(client: Client, options: DefaultAiFlagsOptions = {}): AiFlags {
  const { runtime, ...rest } = options;
  const shadowStore = rest.shadowing?.store ?? defaultShadowResults(runtime);
  return createAiFlags(client, {
    ...rest,
    flags: rest.flags ?? servedFlags(client),
    metrics: rest.metrics ?? defaultMetrics(runtime),
    shadowing: { ...rest.shadowing, store: shadowStore },
  });
}

/**
 * The flag file the client's provider serves now (a reload included), for what it declares beyond evaluation:
 * `shadow`, `judges` and `prices`. Without it `flags.shadow()` in an app that followed the README sampled nothing.
 * Undefined for a provider that is not aiflags' own (pass `flags` then).
 */
function servedFlags(client: Client): () => FlagSet | undefined {
  return () => {
    const provider = OpenFeature.getProvider(client.metadata.domain);
    return provider instanceof LocalProvider ? provider.flagSet : undefined;
  };
}
