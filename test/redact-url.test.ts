import { describe, expect, it } from 'vitest';
import { redactUrl } from '@aiflags/core';
import { parseRedisUrl } from '@aiflags/redis';
import { createUnleashProvider } from '@aiflags/unleash';

describe('redactUrl never lets a password through', () => {
  it.each([
    ['redis://user:pa/ss@host:6379', 'redis://user:***@host:6379'],
    ['redis://:p@ss@host', 'redis://:***@host'],
    ['rediss://default:x@y@h:1/0', 'rediss://default:***@h:1/0'],
    ['http://admin:secret@host/api', 'http://admin:***@host/api'],
    ['redis://u:p%2Fss@h/0', 'redis://u:***@h/0'],
    ['got "redis://u:pa/ss@h:1" here', 'got "redis://u:***@h:1" here'],
    ['request to http://admin:s3@cr@t@host/api/client/features failed', 'request to http://admin:***@host/api/client/features failed'],
    ['redis://host:6379', 'redis://host:6379'],
    ['redis://u@h', 'redis://u@h'],
    ['mail admin@example.com', 'mail admin@example.com'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('REDIS_URL errors never carry the password', () => {
    for (const url of ['redis://user:pa/ss@host:6379', 'redis://u:80/ss@h', 'redis://u:p#ss@h']) {
      expect(() => parseRedisUrl(url)).toThrow();
      try {
        parseRedisUrl(url);
      } catch (e) {
        expect((e as Error).message).not.toMatch(/pa\/ss|ss@h|p#ss/);
      }
    }
  });

  it('an invalid UNLEASH_URL is a one-line redacted error, not an uncaught TypeError', () => {
    expect(() => createUnleashProvider({ url: 'http://admin:pa/ss@127.0.0.1:1/api/', apiToken: 't' })).toThrow(
      /UNLEASH_URL "http:\/\/admin:\*\*\*@127\.0\.0\.1:1\/api\/" is not an http\(s\) URL/,
    );
  });
});
