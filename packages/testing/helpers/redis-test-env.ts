import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The shape of @aiflags/redis' Logger. */
interface Logger {
  error(message: string): void;
  warn(message: string): void;
}

/** The Redis the tests use; a missing server fails the test (never skips). */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run shares. */
export function testPrefix(name: string): string {
  return `aiflags-test:${name}:${randomUUID().slice(0, 8)}`;
}

/** Deletes every key a test wrote under `prefix`. */
export async function deletePrefix(prefix: string, url = testRedisUrl): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A logger that keeps what it was told, for asserting on logged errors. */
export function recordingLogger(): Logger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return { errors, warnings, error: (m) => errors.push(m), warn: (m) => warnings.push(m) };
}

/** Polls `check` every 10 ms until it returns true; throws after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
