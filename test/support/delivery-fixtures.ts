import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A flag file with one model flag and the ai_agent_enabled switch, in a fresh folder. */
export const FLAGS =
  'flags:\n  chat-model:\n    variants: { control: gpt-4o, treatment: gpt-4o-mini }\n    defaultVariant: control\nkillSwitches:\n  ai_agent_enabled: {}\n';
export const DENIED = { error: 'Feature temporarily disabled', retryAfter: 300 };

/** What `aiflags kill --json` prints. */
export interface KillJson {
  switch: string;
  killed: boolean;
  store: string;
  layer: string;
  instances: { confirmed: number; total: number; slowestMs: number | null; missing: Array<{ app: string; pid: number; host: string }> } | null;
}

export function flagsFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-delivery-'));
  const file = join(dir, 'flags.yaml');
  writeFileSync(file, FLAGS);
  return { dir, file };
}
