/** What POST /v1/outcomes and /v1/exposures carry. */
export type RecordKind = 'outcomes' | 'exposures';

/**
 * The items of a POST /v1/outcomes or /v1/exposures body: a JSON array, `{ "<kind>": [...] }`, or one
 * object. A problem (malformed JSON, a batch longer than `maxItems`) refuses the whole body.
 */
export function parseRecordBatch(body: Buffer, kind: RecordKind, maxItems: number): { items: unknown[] } | { problem: string; tooLarge?: true } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { problem: `request body: not valid JSON (${(error as Error).message})` };
  }
  const items = Array.isArray(parsed) ? parsed : isWrapper(parsed, kind) ? parsed[kind] : [parsed];
  if (!Array.isArray(items)) return { problem: `request body: field '${kind}' must be an array` };
  if (items.length > maxItems) return { problem: `request body: ${items.length} ${kind}, more than ${maxItems} in one request`, tooLarge: true };
  return { items };
}

function isWrapper(value: unknown, kind: RecordKind): value is Record<RecordKind, unknown> {
  return typeof value === 'object' && value !== null && kind in value;
}
