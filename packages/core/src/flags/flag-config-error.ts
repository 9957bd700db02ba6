/** Where in a flag file a problem is. `flag` is set for problems inside a flag, `segment` / `killSwitch` likewise. */
export interface FlagConfigLocation {
  file: string;
  flag?: string;
  segment?: string;
  killSwitch?: string;
  /** Path inside the flag/segment/switch (or the file when none), e.g. `rollout.percentage`, `rules[0].conditions[1].op`. */
  field?: string;
}

/**
 * A flag file that cannot be used. The message is one line a user can act on:
 * `flags.yaml: flag 'chat-model', field 'rollout.percentage': expected a number from 0 to 100, got 140`.
 */
export class FlagConfigError extends Error {
  readonly code = 'PARSE_ERROR' as const;
  readonly file: string;
  readonly flag?: string;
  readonly segment?: string;
  readonly killSwitch?: string;
  readonly field?: string;
  /** The problem without the location prefix. */
  readonly detail: string;

  constructor(location: FlagConfigLocation, detail: string) {
    super(formatMessage(location, detail));
    this.name = 'FlagConfigError';
    this.file = location.file;
    if (location.flag !== undefined) this.flag = location.flag;
    if (location.segment !== undefined) this.segment = location.segment;
    if (location.killSwitch !== undefined) this.killSwitch = location.killSwitch;
    if (location.field !== undefined) this.field = location.field;
    this.detail = detail;
  }
}

function formatMessage(loc: FlagConfigLocation, detail: string): string {
  const parts: string[] = [];
  if (loc.flag !== undefined) parts.push(`flag '${escapeControls(loc.flag)}'`);
  if (loc.segment !== undefined) parts.push(`segment '${escapeControls(loc.segment)}'`);
  if (loc.killSwitch !== undefined) parts.push(`kill switch '${escapeControls(loc.killSwitch)}'`);
  if (loc.field !== undefined && loc.field !== '') parts.push(`field '${escapeControls(loc.field)}'`);
  const oneLine = escapeControls(detail.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' '));
  const file = escapeControls(loc.file);
  return parts.length > 0 ? `${file}: ${parts.join(', ')}: ${oneLine}` : `${file}: ${oneLine}`;
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a flag file (keys, values) as it may appear in one line of a message or a log: control
 * characters, line breaks and terminal escapes become `\xNN` / `\uNNNN`, so a key cannot split a message
 * or inject into a terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
