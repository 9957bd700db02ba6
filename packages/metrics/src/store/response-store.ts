import { HOUR_MS } from '../aggregates/hour.js';

/** Where one response came from: what late feedback on it is attributed to. */
export interface ResponseAttribution {
  flagKey: string;
  variant: string;
  /** The bucketing unit of the evaluation. */
  unitId?: string;
  /** Epoch ms the response was made. */
  at: number;
}

/**
 * Remembers which flag, variant and unit produced each response id, for a bounded time, so feedback that
 * arrives later (another request, another process) is attributed to them. A response made under several
 * flags (a model flag and a prompt flag) keeps one attribution per flag.
 */
export interface ResponseStore {
  /** Remembers an attribution; synchronous and buffered, never throws (a bad id or a full buffer is counted). */
  remember(responseId: string, attribution: ResponseAttribution): void;
  /** Every attribution of the id; empty when it is unknown or expired; rejects only when the store cannot be read. */
  lookup(responseId: string): Promise<ResponseAttribution[]>;
  /** Writes buffered attributions. */
  flush(): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}

/** How long a response can still receive feedback by default: 7 days. */
export const DEFAULT_RESPONSE_TTL_MS = 7 * 24 * HOUR_MS;

/** The longest response id accepted, in characters. */
export const MAX_RESPONSE_ID_LENGTH = 256;

/** Attributions kept per response id (one per flag it was served under). */
export const MAX_ATTRIBUTIONS_PER_RESPONSE = 16;

/** Whether a response id can be stored: a non-empty string of at most MAX_RESPONSE_ID_LENGTH characters. */
export function isResponseId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_RESPONSE_ID_LENGTH;
}

/** `list` with `a` added, replacing an attribution of the same flag, at most MAX_ATTRIBUTIONS_PER_RESPONSE long. */
export function withAttribution(list: readonly ResponseAttribution[], a: ResponseAttribution): ResponseAttribution[] {
  const out = list.filter((x) => x.flagKey !== a.flagKey);
  if (out.length >= MAX_ATTRIBUTIONS_PER_RESPONSE) return out;
  out.push(a);
  return out;
}
