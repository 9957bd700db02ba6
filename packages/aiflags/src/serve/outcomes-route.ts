import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FlagSet } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { authorize, writeProblem } from './authorize.js';
import { foreignOriginProblem } from './browser-origin.js';
import { sendJson } from './http-reply.js';
import { parseRecordBatch, type RecordKind } from './outcome-batch.js';
import { exposureFromJson, outcomeFromJson } from './outcome-record.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { ServeLimits } from './serve-limits.js';
import type { ServeRoute } from './serve-route.js';
import type { ServeToken } from './serve-tokens.js';

export interface OutcomesRouteOptions {
  flags: () => FlagSet | undefined;
  metrics: Pick<MetricStore, 'record' | 'recordExposure'>;
  tokens: readonly ServeToken[];
  limits: Pick<ServeLimits, 'maxBodyBytes' | 'maxBatchItems'>;
  clock?: () => number;
}

/** The 202 answer: how many were recorded, and each refused item by its index in the batch. */
export interface RecordBatchAnswer {
  accepted: number;
  rejected: Array<{ index: number; error: string }>;
}

const PATHS: Record<string, RecordKind> = { '/v1/outcomes': 'outcomes', '/v1/exposures': 'exposures' };

/**
 * POST /v1/outcomes and /v1/exposures: apps in any language record into the runtime's metric store,
 * so `aiflags report` and the gate see them. Needs a write token when tokens are configured.
 */
export function outcomesRoute(options: OutcomesRouteOptions): ServeRoute {
  const clock = options.clock ?? Date.now;
  return {
    match: (path) => (path in PATHS ? path : undefined),
    async handle(req: IncomingMessage, res: ServerResponse, path: string) {
      const kind = PATHS[path]!;
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        req.resume();
        return sendJson(res, 405, { error: `${path} takes POST` });
      }
      const auth = authorize(req.headers, options.tokens);
      const refused = auth.ok ? (writeProblem(auth) ?? foreignOriginProblem(req.headers, options.tokens.length > 0)) : auth.details;
      if (refused !== undefined) {
        if (!auth.ok) res.setHeader('www-authenticate', 'Bearer');
        req.resume();
        return sendJson(res, auth.ok ? 403 : auth.status, { error: refused });
      }
      let body: Buffer;
      try {
        body = await readBody(req, options.limits.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        res.setHeader('connection', 'close');
        return sendJson(res, 413, { error: error.message });
      }
      const batch = parseRecordBatch(body, kind, options.limits.maxBatchItems);
      if ('problem' in batch) return sendJson(res, batch.tooLarge ? 413 : 400, { error: batch.problem });
      const set = options.flags();
      if (set === undefined) return sendJson(res, 503, { error: 'no flags loaded' });
      sendJson(res, 202, recordBatch(batch.items, kind, set, options.metrics, clock()));
    },
  };
}

/** Records every valid item of a batch; each invalid one is refused alone, with its index and why. */
export function recordBatch(
  items: readonly unknown[],
  kind: RecordKind,
  set: FlagSet,
  metrics: Pick<MetricStore, 'record' | 'recordExposure'>,
  now: number,
): RecordBatchAnswer {
  const answer: RecordBatchAnswer = { accepted: 0, rejected: [] };
  for (const [index, item] of items.entries()) {
    const record = kind === 'outcomes' ? outcomeFromJson(item, set, now) : exposureFromJson(item, set, now);
    if (typeof record === 'string') {
      answer.rejected.push({ index, error: `${kind}[${index}]: ${record}` });
      continue;
    }
    if (kind === 'outcomes') metrics.record(record);
    else metrics.recordExposure(record);
    answer.accepted++;
  }
  return answer;
}
