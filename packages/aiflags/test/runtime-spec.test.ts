import { describe, expect, it } from 'vitest';
import { resolveRuntimeSpec } from '../src/runtime-spec.js';

describe('resolveRuntimeSpec(options, env): one answer to "where do flags and live state live"', () => {
  it('file store beside the flag file when REDIS_URL is unset or empty', () => {
    for (const env of [{}, { REDIS_URL: '' }]) {
      const spec = resolveRuntimeSpec({ flags: '/srv/app/flags.yaml' }, env);
      expect(spec.backend).toBe('local');
      expect(spec.store).toEqual({ kind: 'file', dir: '/srv/app/.aiflags' });
      expect(spec.storeLabel).toBe('/srv/app/.aiflags/state.json');
      expect(spec.auditLog).toBe('/srv/app/.aiflags/audit.jsonl');
    }
  });

  it('Redis from the environment, prefix from AIFLAGS_ENV, the password never in the label', () => {
    const spec = resolveRuntimeSpec({}, { REDIS_URL: 'redis://app:s3cret@cache:6379', AIFLAGS_ENV: 'prod', AIFLAGS_FLAGS: '/x/f.yaml' });
    expect(spec.store).toEqual({ kind: 'redis', url: 'redis://app:s3cret@cache:6379', prefix: 'aiflags:prod' });
    expect(spec.flagsPath).toBe('/x/f.yaml');
    expect(spec.storeLabel).not.toContain('s3cret');
    expect(spec.storeLabel).toContain('aiflags:prod');
  });

  it('options win over the environment; the same inputs give the same store key', () => {
    const env = { REDIS_URL: 'redis://a:6379', AIFLAGS_BACKEND: 'unleash', UNLEASH_URL: 'http://u/api/' };
    const spec = resolveRuntimeSpec({ backend: 'local', redisUrl: 'redis://b:6379', redisPrefix: 'p' }, env);
    expect(spec.backend).toBe('local');
    expect(spec.store).toEqual({ kind: 'redis', url: 'redis://b:6379', prefix: 'p' });
    expect(resolveRuntimeSpec({ backend: 'local', redisUrl: 'redis://b:6379', redisPrefix: 'p' }, env).storeKey).toBe(spec.storeKey);
    expect(resolveRuntimeSpec({}, env).unleash.url).toBe('http://u/api/');
  });

  it('AIFLAGS_BACKEND=flagsmith reads FLAGSMITH_ENVIRONMENT_KEY, FLAGSMITH_API_URL and FLAGSMITH_ENVIRONMENT_FILE; options win', () => {
    const env = {
      AIFLAGS_BACKEND: 'flagsmith',
      FLAGSMITH_ENVIRONMENT_KEY: 'ser.k',
      FLAGSMITH_API_URL: 'http://edge:8000/api/v1/',
      FLAGSMITH_ENVIRONMENT_FILE: '/d/fs.json',
    };
    const spec = resolveRuntimeSpec({}, env);
    expect(spec.backend).toBe('flagsmith');
    expect(spec.flagsmith).toEqual({ environmentKey: 'ser.k', apiUrl: 'http://edge:8000/api/v1/', environmentFile: '/d/fs.json' });
    expect(resolveRuntimeSpec({ flagsmith: { environmentKey: 'ser.other', refreshIntervalSeconds: 5 } }, env).flagsmith).toMatchObject({
      environmentKey: 'ser.other',
      refreshIntervalSeconds: 5,
    });
    expect(resolveRuntimeSpec({}, {}).flagsmith).toEqual({});
  });

  it('refuses an unknown backend and a bad Unleash interval in one line', () => {
    expect(() => resolveRuntimeSpec({}, { AIFLAGS_BACKEND: 'flagd' })).toThrow(/unknown backend 'flagd'/);
    expect(() => resolveRuntimeSpec({}, { AIFLAGS_BACKEND: 'unleash', UNLEASH_REFRESH_INTERVAL_MS: 'soon' })).toThrow(/UNLEASH_REFRESH_INTERVAL_MS/);
  });
});
