import { describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { aiFlags } from '../src/index.js';
import type { OtelMeter } from '../src/tracker/otel-meter.js';

describe('OpenTelemetry for streams, named scores and judges', () => {
  it('records time to first token (s) and each score by gen_ai.evaluation.name, judges included', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('test') as unknown as OtelMeter;
    const ai = aiFlags(OpenFeature.getClient('otel-scores'), {
      meter,
      track: false,
      judges: { helpfulness: () => 3 },
      judging: { rates: { chat: { helpfulness: 1 } } },
    });
    const tracker = ai.tracker({ flagKey: 'chat', variant: 'b', ctx: {} });
    tracker.record({ ttftMs: 250, scores: { toxicity: 0.1 } });
    tracker.response({ output: 'x' });
    await ai.judges!.drain();
    await reader.forceFlush();
    const all = exporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(all.map((m) => [m.descriptor.name, m]));
    const ttft = byName.get('gen_ai.server.time_to_first_token')!;
    expect(ttft.descriptor.unit).toBe('s');
    expect((ttft.dataPoints[0]!.value as { sum: number }).sum).toBeCloseTo(0.25, 12);
    const scores = byName.get('aiflags.ai.score')!.dataPoints.map((p) => [p.attributes['gen_ai.evaluation.name'], (p.value as { sum: number }).sum]);
    expect(scores.sort()).toEqual([
      ['helpfulness', 3],
      ['toxicity', 0.1],
    ]);
    await provider.shutdown();
  });

  it('refuses a judge whose name cannot be a named score, when aiFlags is set up', () => {
    expect(() => aiFlags(OpenFeature.getClient(), { judges: { 'help fulness': () => 1 } })).toThrow(
      /aiflags: judge 'help fulness': scores: name "help fulness" is not letters, digits, '_', '\.' or '-'/,
    );
  });
});
