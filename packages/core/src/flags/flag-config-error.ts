import { AiflagsError } from '../errors.js';

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
export class FlagConfigError extends AiflagsError {
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

/**
 * Characters that must not reach a terminal or a log line raw: C0 and C1 controls and DEL (a raw ESC
 * starts an ANSI sequence, a newline forges a line; U+009B is a one-character CSI on some terminals),
 * and characters that break or disguise a line: line/paragraph separators, bidi marks and overrides.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it exists to find
export const UNPRINTABLE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Text from input (flag-file keys and values, switch names, reasons) as it may appear in one line of a
 * message or a log: controls become `\xNN`, invisible line breakers `\u{NNNN}`; everything else is kept.
 */
export function escapeControls(text: string): string {
  return text.replace(UNPRINTABLE_CHARACTERS, (c) => {
    const code = c.codePointAt(0) as number;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
