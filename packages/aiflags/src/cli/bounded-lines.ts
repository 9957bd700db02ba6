import { createReadStream } from 'node:fs';
import { CliError } from './cli-error.js';

/** The longest line a users file may hold, in bytes (1 MiB): far more than any user's attributes need. */
export const MAX_USERS_FILE_LINE_BYTES = 1024 * 1024;

/**
 * The lines of a byte stream, each at most `maxBytes`, with memory bounded by one line plus one chunk.
 * readline builds each line whole, however long: a 400 MB line peaked at 1.8 GB, and one over 512 MB
 * crashed with a RangeError (longer than a JS string may be). Here a line over the cap stops the read
 * with an error naming the file, line and cap, before its text is ever joined.
 * Lines end at `\n`; a `\r` before it is dropped (CRLF files) and counts toward the cap.
 */
export async function* boundedLines(input: AsyncIterable<Buffer>, file: string, maxBytes = MAX_USERS_FILE_LINE_BYTES): AsyncGenerator<string> {
  let pieces: Buffer[] = [];
  let length = 0;
  let lineNumber = 1;
  const tooLong = () => new CliError(`${file}:${lineNumber}: longer than ${describeBytes(maxBytes)}, the most one line may hold`);
  const take = (): string => {
    const line = Buffer.concat(pieces, length).toString('utf8');
    pieces = [];
    length = 0;
    lineNumber++;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of input) {
    let start = 0;
    // `\n` is never part of a multi-byte UTF-8 sequence, so splitting bytes there keeps every character whole.
    for (let end = chunk.indexOf(0x0a, start); end !== -1; end = chunk.indexOf(0x0a, start)) {
      if (length + (end - start) > maxBytes) throw tooLong();
      pieces.push(chunk.subarray(start, end));
      length += end - start;
      yield take();
      start = end + 1;
    }
    if (start < chunk.length) {
      length += chunk.length - start;
      if (length > maxBytes) throw tooLong();
      pieces.push(chunk.subarray(start));
    }
  }
  if (length > 0) yield take();
}

function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * The capped lines of a file, read as bytes (boundedLines caps each line before decoding it); a file that
 * cannot be opened is a one-line CliError naming it, before any line is read.
 */
export async function fileLines(file: string): Promise<AsyncGenerator<string>> {
  const input = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CliError(`${file}: ${error.code === 'ENOENT' ? 'file not found' : `cannot read the file (${error.code})`}`)),
    );
  });
  return boundedLines(input, file);
}
