import { describe, expect, it } from 'vitest';
import { AiflagsError, FlagConfigError, isAiflagsError } from '@aiflags/core';
import { FeatureDisabledError, RolloutSkipError } from '@aiflags/ai';
import { FlagFileReadError, loadFlagFile } from '@aiflags/provider';
import { AuditWriteError, StateUnreadableError } from '@aiflags/file';
import { parseRedisUrl, RedisUrlError } from '@aiflags/redis';

describe('every error aiflags throws on purpose carries a code on one base class', () => {
  it('each class is an AiflagsError with its documented code', () => {
    const errors: [AiflagsError, string][] = [
      [new FlagConfigError({ file: 'f.yaml', flag: 'x', field: 'rollout' }, 'bad'), 'PARSE_ERROR'],
      [new FeatureDisabledError('chat', 60), 'FEATURE_DISABLED'],
      [new RolloutSkipError('no reason'), 'ROLLOUT_SKIP_REFUSED'],
      [new FlagFileReadError('NOT_A_FILE', 'f: not a file'), 'NOT_A_FILE'],
      [new StateUnreadableError('state.json', 'm'), 'STATE_UNREADABLE'],
      [new AuditWriteError('audit.jsonl', 'm'), 'AUDIT_WRITE_FAILED'],
    ];
    for (const [error, code] of errors) {
      expect(error).toBeInstanceOf(AiflagsError);
      expect(error.code).toBe(code);
      expect(isAiflagsError(error, code)).toBe(true);
      expect(isAiflagsError(error, 'OTHER')).toBe(false);
    }
    expect(isAiflagsError(new Error('PARSE_ERROR'))).toBe(false);
  });

  it('errors thrown by the packages are decided by code, not message', async () => {
    await expect(loadFlagFile('/nonexistent/flags.yaml')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    let thrown: unknown;
    try {
      parseRedisUrl('not a url');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RedisUrlError);
    expect(isAiflagsError(thrown, 'INVALID_REDIS_URL')).toBe(true);
  });
});
