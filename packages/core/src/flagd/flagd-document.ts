/** flagd's flag definition format (https://flagd.dev/schema/v0/flags.json), as far as aiflags reads and writes it. */
import type { JsonValue } from '../evaluation/result.js';

export const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json';

export type FlagdMetadata = Record<string, string | number | boolean>;

export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, JsonValue>;
  /** null or absent: the caller's default is served. */
  defaultVariant?: string | null;
  targeting?: JsonValue;
  metadata?: FlagdMetadata;
}

export interface FlagdDocument {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  $evaluators?: Record<string, JsonValue>;
  metadata?: FlagdMetadata;
}

/** A flagd document: `$schema` naming flagd.dev, or a file name ending `.flagd.json`. */
export function isFlagdDocument(value: unknown, file: string): boolean {
  if (file.endsWith('.flagd.json')) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const schema = (value as { $schema?: unknown }).$schema;
  return typeof schema === 'string' && schema.includes('flagd.dev');
}
