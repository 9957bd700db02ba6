import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redact, RedisUrlError } from '@aiflags/redis';

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', { host: '127.0.0.1', port: 6379, db: 0 }],
    ['redis://localhost', { host: 'localhost', port: 6379, db: 0 }],
    ['redis://cache.internal:6380/2', { host: 'cache.internal', port: 6380, db: 2 }],
    ['redis://:s3cret@cache:6379', { host: 'cache', port: 6379, db: 0, password: 's3cret' }],
    ['redis://app:s3cret@cache:6379/1', { host: 'cache', port: 6379, db: 1, username: 'app', password: 's3cret' }],
    ['redis://app:p%40ss%3Aw%2Frd@cache', { host: 'cache', port: 6379, db: 0, username: 'app', password: 'p@ss:w/rd' }],
    [
      'rediss://app:tok@redis.example.com:6380',
      { host: 'redis.example.com', port: 6380, db: 0, username: 'app', password: 'tok', tls: { servername: 'redis.example.com' } },
    ],
    ['rediss://redis.example.com', { host: 'redis.example.com', port: 6379, db: 0, tls: { servername: 'redis.example.com' } }],
    ['redis://[::1]:6379', { host: '::1', port: 6379, db: 0 }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url)).toEqual(expected);
  });

  it.each([
    ['not a url', /not a URL/],
    ['http://cache:6379', /scheme "http:" is not supported/],
    ['redis://cache:6379/x', /database "x" is not a number/],
  ])('rejects %s', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never echoes the password in an error', () => {
    expect(() => parseRedisUrl('redis://app:hunter2@cache:6379/x')).not.toThrow(/hunter2/);
    expect(redact('rediss://app:hunter2@cache:6380')).toBe('rediss://app:***@cache:6380');
  });
});
