import { escapeControls, UNPRINTABLE_CHARACTERS } from '@aiflags/core';

/**
 * Text from input (switch names, reasons, actors, audit entries, error details) must not drive the
 * terminal or forge log lines: a raw ESC starts an ANSI sequence, a raw newline or CR starts a fake line,
 * and bidi overrides reorder what the reader sees. These are printed as visible escapes instead, by the
 * same escaping core uses in its error messages.
 */

/** One printable line: controls become `\xNN`, invisible line breakers `\u{NNNN}`; everything else is kept. */
export function printable(value: unknown): string {
  return escapeControls(String(value));
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
  return JSON.stringify(value).replace(UNPRINTABLE_CHARACTERS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
