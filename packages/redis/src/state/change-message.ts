/** What the change script publishes; `resync` asks every instance to reload the whole state. */
export interface ChangeMessage {
  version: number;
  epoch: string;
  field?: string;
  /** The new entry (already JSON-decoded), null when removed. */
  value?: unknown;
  resync?: boolean;
}

/** Decodes a published message; undefined when it is not one of ours. */
export function parseChangeMessage(text: string): ChangeMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const m = json as Record<string, unknown>;
  if (typeof m.version !== 'number' || !Number.isInteger(m.version) || typeof m.epoch !== 'string') return undefined;
  if (m.resync === true) return { version: m.version, epoch: m.epoch, resync: true };
  if (typeof m.field !== 'string' || !('value' in m)) return undefined;
  return { version: m.version, epoch: m.epoch, field: m.field, value: m.value };
}
