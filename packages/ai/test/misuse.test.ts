import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OpenFeature, type Logger } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import { aiFlags, FeatureDisabledError } from '../src/index.js';

const FLAGS = {
  flags: {
    'chat-model': {
      changeType: 'model-swap',
      variants: { control: { model: 'gpt-4o', provider: 'openai' }, treatment: { model: 'claude-sonnet-4', provider: 'anthropic' } },
      defaultVariant: 'control',
    },
    'system-prompt': { variants: { a: 'Hello {{name}}' }, defaultVariant: 'a' },
    new_system_prompt: { enabled: true, percentage: 10 },
  },
  killSwitches: { ai_agent_enabled: {}, web_search_enabled: { retryAfter: 60 } },
};

/** A logger that keeps what it was given, as `client.setLogger()` would receive. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')), error: () => {}, info: () => {}, debug: () => {} };
}

/** A real LocalProvider under its own domain; the logger reaches aiflags through the client, as in an app. */
async function setup(options: Parameters<typeof aiFlags>[1] = {}) {
  const domain = `misuse-${randomUUID()}`;
  await OpenFeature.setProviderAndWait(domain, new LocalProvider({ flags: FLAGS }));
  const logger = recordingLogger();
  const client = OpenFeature.getClient(domain).setLogger(logger);
  return { flags: aiFlags(client, options), logger, client };
}

const ctx = { targetingKey: 'user-1' };
const fallback = { model: 'gpt-4o-mini', provider: 'openai' };

describe('misuse is loud', () => {
  it('an unknown guard key is allowed by default and logged once per key, with the file and did you mean', async () => {
    const { flags, logger } = await setup();
    const key = `ai_agent_enabld`;
    expect(await flags.guard(key, ctx)).toBeNull();
    expect(await flags.guard(key, { targetingKey: 'user-2' })).toBeNull();
    const mine = logger.warnings.filter((w) => w.includes(`guard('${key}')`));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('FLAG_NOT_FOUND');
    expect(mine[0]).toContain('is not defined in flags');
    expect(mine[0]).toContain("did you mean 'ai_agent_enabled'?");
    expect(mine[0]).toContain('counted as allowed');
    // A known switch logs nothing.
    expect(await flags.guard('ai_agent_enabled', ctx)).toBeNull();
    expect(logger.warnings.filter((w) => w.includes("'ai_agent_enabled')"))).toEqual([]);
  });

  it('strict guard fails closed on an unknown switch, with the problem in a cause a response body does not carry', async () => {
    const { flags } = await setup({ strict: true, logger: recordingLogger() });
    const denied = await flags.guard('web_serch_enabled', ctx);
    expect(denied).toMatchObject({ error: 'Feature temporarily disabled', retryAfter: 300 });
    expect(denied?.cause).toMatchObject({ code: 'FLAG_NOT_FOUND', message: expect.stringContaining("did you mean 'web_search_enabled'?") });
    expect(JSON.parse(JSON.stringify(denied))).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
    await expect(flags.guardOrThrow('web_serch_enabled', ctx)).rejects.toBeInstanceOf(FeatureDisabledError);
    // A known switch that is on stays allowed in strict mode.
    expect(await flags.guard('web_search_enabled', ctx)).toBeNull();
  });

  it('strict per call, and guard on a flag that is not boolean (TYPE_MISMATCH)', async () => {
    const { flags, logger } = await setup();
    expect(await flags.guard('chat-model', ctx)).toBeNull();
    const denied = await flags.guard('chat-model', ctx, { strict: true });
    expect(denied?.cause?.code).toBe('TYPE_MISMATCH');
    expect(logger.warnings.filter((w) => w.includes("guard('chat-model')"))).toHaveLength(1);
  });

  it('model() on a boolean flag carries TYPE_MISMATCH and serves the fallback, logged once', async () => {
    const { flags, logger } = await setup();
    for (let i = 0; i < 3; i++) {
      const m = await flags.model('new_system_prompt', ctx, fallback);
      expect(m).toMatchObject({
        model: 'gpt-4o-mini',
        variant: 'fallback',
        error: { code: 'TYPE_MISMATCH', message: expect.stringContaining("flag 'new_system_prompt' has boolean values, not object") },
      });
    }
    const mine = logger.warnings.filter((w) => w.includes("model('new_system_prompt')"));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('served the fallback');
  });

  it('model(), prompt() and variant() on a missing flag carry FLAG_NOT_FOUND with did you mean', async () => {
    const { flags, logger } = await setup();
    const m = await flags.model('chat-modle', ctx, fallback);
    expect(m.error).toMatchObject({ code: 'FLAG_NOT_FOUND', message: expect.stringContaining("did you mean 'chat-model'?") });
    const p = await flags.prompt('system-promt', ctx, 'You help.');
    expect(p).toMatchObject({ text: 'You help.', variant: 'fallback', error: { code: 'FLAG_NOT_FOUND' } });
    const v = await flags.variant('temperatur', ctx, 0.5);
    expect(v).toMatchObject({ value: 0.5, error: { code: 'FLAG_NOT_FOUND' } });
    expect(logger.warnings.some((w) => w.includes("model('chat-modle')") && w.includes("did you mean 'chat-model'?"))).toBe(true);
    expect(logger.warnings.some((w) => w.includes("prompt('system-promt')") && w.includes("did you mean 'system-prompt'?"))).toBe(true);
    expect(logger.warnings.some((w) => w.includes("variant('temperatur')"))).toBe(true);
  });

  it('a throwing logger never reaches the caller', async () => {
    const bad: Logger = {
      warn: () => {
        throw new Error('boom');
      },
      error: () => {},
      info: () => {},
      debug: () => {},
    };
    const { flags } = await setup({ logger: bad });
    expect(await flags.guard('no_such_switch_xyz', ctx)).toBeNull();
  });
});
