import type { Client } from '@openfeature/server-sdk';
import { aiFlags as createAiFlags, type AiFlags, type AiFlagsOptions, type ReplayResult } from '@aiflags/ai';
import { FileReplayResults } from '@aiflags/file';
import { defaultMetrics } from './default-metrics.js';
import type { RuntimeConfig } from './runtime.js';
import { resolveRuntimeSpec } from './runtime-spec.js';

export interface DefaultAiFlagsOptions extends AiFlagsOptions {
  /** Where the default metric store lives when `metrics` is not given (flag file, state dir, Redis). */
  runtime?: RuntimeConfig;
}

/**
 * AI helpers over any OpenFeature client (see `@aiflags/ai`). Without `metrics`, exposures and outcomes go
 * to the store `aiflags report` reads: `.aiflags/` beside the flag file, or Redis when REDIS_URL is set.
 * Shadow results are written to `.aiflags/replay/<flag>.jsonl` (flag version `shadow`) unless
 * `shadowing.store` is given, so `aiflags rollout` reads the shadow evidence.
 */
export function aiFlags(client: Client, options: DefaultAiFlagsOptions = {}): AiFlags {
  const { runtime, ...rest } = options;
  const shadowStore = rest.shadowing?.store ?? new FileReplayResults<ReplayResult>(resolveRuntimeSpec(runtime).stateDir);
  return createAiFlags(client, { ...rest, metrics: rest.metrics ?? defaultMetrics(runtime), shadowing: { ...rest.shadowing, store: shadowStore } });
}
