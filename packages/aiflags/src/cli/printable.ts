/**
 * Text from input (switch names, reasons, actors, audit entries, error details) must not drive the
 * terminal or forge log lines: a raw ESC starts an ANSI sequence, a raw newline or CR starts a fake line,
 * and bidi overrides reorder what the reader sees. These are printed as visible escapes instead.
 */
// C0 controls, DEL and C1 controls (U+009B is a one-character CSI on some terminals).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// Characters that are not controls but still break or disguise a line: line/paragraph separators, bidi marks and overrides.
const INVISIBLE = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE = new RegExp(`${CONTROL.source}|${INVISIBLE.source}`, 'gu');

function escapeOne(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One printable line: controls become `\xNN`, invisible line breakers `\u{NNNN}`; everything else is kept. */
export function printable(value: unknown): string {
  return String(value).replace(UNSAFE, escapeOne);
}

/** Like printable, for text the CLI itself laid out over several lines: only the `\n` between lines are kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * One JSON line that is safe on a terminal. JSON.stringify already escapes C0 controls; this also escapes
 * DEL, C1 controls and invisible line breakers as `\uNNNN`, which JSON parsers read back unchanged.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
