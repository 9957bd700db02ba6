import { createRequire } from 'node:module';
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';

/** The OpenTelemetry instruments one `aiFlags` instance records into. */
export interface OtelInstruments {
  /** `gen_ai.client.operation.duration`, seconds (the GenAI semantic convention's unit). */
  duration: Histogram;
  /** `aiflags.ai.requests`: outcomes that said whether the request failed. */
  requests: Counter;
  /** `aiflags.ai.errors`: failed requests. */
  errors: Counter;
  /** `aiflags.ai.quality`: quality scores, whatever scale the app uses. */
  quality: Histogram;
  /** `aiflags.ai.cost`: USD. */
  cost: Counter;
  inputTokens: Counter;
  outputTokens: Counter;
  /** `aiflags.ai.feedback`, with attribute `aiflags.feedback.kind` = positive | negative. */
  feedback: Counter;
}

const METER_NAME = '@aiflags/ai';

/**
 * Loads `@opentelemetry/api` only if it is installed (it is an optional peer) and returns the global
 * meter from it. Synchronous `require` keeps `aiFlags()` synchronous.
 */
function globalMeter(): Meter | undefined {
  try {
    const require = createRequire(import.meta.url);
    const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    return api.metrics.getMeter(METER_NAME);
  } catch {
    return undefined;
  }
}

/** Creates the instruments on `meter`, or on the global meter when none is given; undefined without OpenTelemetry. */
export function createOtelInstruments(meter?: Meter | false): OtelInstruments | undefined {
  if (meter === false) return undefined;
  const m = meter ?? globalMeter();
  if (!m) return undefined;
  return {
    duration: m.createHistogram('gen_ai.client.operation.duration', { unit: 's', description: 'Duration of a model call' }),
    requests: m.createCounter('aiflags.ai.requests', { unit: '{request}', description: 'Model calls with a known outcome' }),
    errors: m.createCounter('aiflags.ai.errors', { unit: '{request}', description: 'Model calls that failed' }),
    quality: m.createHistogram('aiflags.ai.quality', { unit: '1', description: 'Quality score of a response' }),
    cost: m.createCounter('aiflags.ai.cost', { unit: 'USD', description: 'Cost of model calls' }),
    inputTokens: m.createCounter('gen_ai.usage.input_tokens', { unit: '{token}', description: 'Input tokens used' }),
    outputTokens: m.createCounter('gen_ai.usage.output_tokens', { unit: '{token}', description: 'Output tokens used' }),
    feedback: m.createCounter('aiflags.ai.feedback', { unit: '{feedback}', description: 'User feedback on responses' }),
  };
}

/** The attributes every measurement of one flag evaluation carries (OpenTelemetry semantic conventions). */
export function flagAttributes(flagKey: string, variant: string, model?: string, provider?: string): Attributes {
  const attrs: Attributes = { 'feature_flag.key': flagKey, 'feature_flag.result.variant': variant };
  if (model !== undefined) attrs['gen_ai.request.model'] = model;
  if (provider !== undefined) attrs['gen_ai.provider.name'] = provider;
  return attrs;
}
