import { describe, expect, it } from 'vitest';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import { parseFlags } from '@aiflags/core';
import { createOfrepServer, type ServeMeter } from '../src/serve/index.js';
import { SAMPLE_FLAGS_YAML } from '../../../test/support/sample-flags.js';

describe("aiflags serve's own metrics through OpenTelemetry", () => {
  it('records http.server.request.duration by method, route template and status, and active requests back to 0', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const lines: string[] = [];
    const serve = createOfrepServer({
      flags: () => parseFlags(SAMPLE_FLAGS_YAML, 'flags.yaml'),
      meter: meterProvider.getMeter('test') as unknown as ServeMeter,
      log: (line) => lines.push(line),
    });
    const url = await serve.listen(0, '127.0.0.1');
    try {
      const body = JSON.stringify({ context: { targetingKey: 'u' } });
      for (const key of ['chat-model', 'system-prompt', 'no-such-flag']) await fetch(`${url}/ofrep/v1/evaluate/flags/${key}`, { method: 'POST', body });
      await fetch(`${url}/ofrep/v1/evaluate/flags`, { method: 'POST', body });
      await fetch(`${url}/healthz`);
      await fetch(`${url}/secret/path`);
    } finally {
      await serve.close();
    }
    await reader.forceFlush();
    const metrics = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    const duration = metrics.find((m) => m.descriptor.name === 'http.server.request.duration') as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    const counts = Object.fromEntries(
      duration.dataPoints.map((p) => [
        `${p.attributes['http.request.method']} ${p.attributes['http.route']} ${p.attributes['http.response.status_code']}`,
        p.value.count,
      ]),
    );
    expect(counts).toEqual({
      'POST /ofrep/v1/evaluate/flags/{key} 200': 2,
      'POST /ofrep/v1/evaluate/flags/{key} 404': 1,
      'POST /ofrep/v1/evaluate/flags 200': 1,
      'GET /healthz 200': 1,
      'GET unmatched 404': 1,
    });
    const active = metrics.find((m) => m.descriptor.name === 'http.server.active_requests');
    expect(active?.dataPoints.every((p) => p.value === 0)).toBe(true);
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^POST \/ofrep\/v1\/evaluate\/flags\/no-such-flag 404 \d+\.\dms$/);
  });
});
