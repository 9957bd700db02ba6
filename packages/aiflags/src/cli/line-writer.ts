import { once } from 'node:events';

/** Batches output lines into large writes and waits when stdout is full, so a million lines stream in flat memory. */
export class LineWriter {
  private buffer = '';

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly highWaterChars = 64 * 1024,
  ) {}

  async line(text: string): Promise<void> {
    this.buffer += `${text}\n`;
    if (this.buffer.length >= this.highWaterChars) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
