import { createHash } from 'node:crypto';
import { evaluate, type EvaluationContext, type FlagSet, type LiveState } from '@aiflags/core';
import { flagAnswer } from './ofrep-answer.js';

/** The bulk endpoint's body, as sent, and its ETag (a hash of exactly those bytes). */
export interface BulkAnswer {
  body: string;
  etag: string;
}

/** Every flag and kill switch of `set` evaluated for `context`, with `metadata` of the flag set. */
export function bulkEvaluation(set: FlagSet, context: EvaluationContext, live: LiveState | undefined): BulkAnswer {
  const flags: Record<string, unknown>[] = [];
  for (const key of set.flags.keys()) flags.push(flagAnswer(key, evaluate(set, key, context, live)));
  for (const key of set.killSwitches.keys()) flags.push(flagAnswer(key, evaluate(set, key, context, live)));
  const body = JSON.stringify({ flags, metadata: set.flagMetadata });
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** True when an If-None-Match header names `etag` (or `*`); weak validators compare by their opaque part. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
