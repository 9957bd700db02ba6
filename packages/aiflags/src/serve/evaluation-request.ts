import type { EvaluationContext } from '@aiflags/core';

/** A request body that cannot be evaluated: the OFREP error code (answered 400) and what is wrong. */
export interface RequestProblem {
  errorCode: 'PARSE_ERROR' | 'INVALID_CONTEXT';
  errorDetails: string;
}

/**
 * The evaluation context of an OFREP request body `{ "context": { "targetingKey": "…", … } }`. A body
 * without `context` (what the Python provider sends for an evaluation with no context) evaluates with none.
 */
export function parseEvaluationRequest(body: Buffer): { context: EvaluationContext } | RequestProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { errorCode: 'PARSE_ERROR', errorDetails: `request body: not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(parsed)) return { errorCode: 'INVALID_CONTEXT', errorDetails: "request body: expected a JSON object with a 'context' object" };
  const context = parsed.context === undefined ? {} : parsed.context;
  if (!isObject(context)) return { errorCode: 'INVALID_CONTEXT', errorDetails: "request body: field 'context' must be an object" };
  const key = context.targetingKey;
  if (key !== undefined && typeof key !== 'string') {
    return { errorCode: 'INVALID_CONTEXT', errorDetails: `request body: field 'context.targetingKey' must be a string, got ${kindOf(key)}` };
  }
  return { context: context as EvaluationContext };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
