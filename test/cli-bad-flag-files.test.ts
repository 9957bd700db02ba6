import { randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import { BAD_FLAG_FILES, fixtureContent, type BadFlagFile } from '@aiflags/testing';
import { VALID_FLAGS_YAML } from '@aiflags/testing';
import { EventQueue } from './support/event-queue.js';
import { runCli } from './support/run-cli.js';

/** What every rejection of a fixture must say: the file, and the flag and field when the fixture names them. */
function expectNamed(line: string, file: string, fixture: BadFlagFile): void {
  expect(line.startsWith(`${file}: `)).toBe(true);
  if (fixture.expect.flag !== undefined) expect(line).toContain(`flag '${fixture.expect.flag}'`);
  if (fixture.expect.field !== undefined) expect(line).toContain(`field '${fixture.expect.field}'`);
  if (fixture.expect.messageIncludes !== undefined) expect(line).toContain(fixture.expect.messageIncludes);
}

describe('malformed flag files (the core table)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-bad-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has at least 25 cases', () => {
    expect(BAD_FLAG_FILES.length).toBeGreaterThanOrEqual(25);
  });

  it('aiflags validate: each exits 1 with one line naming file, flag and field, no stack trace', async () => {
    // One process validates every case (one CLI start per case would take minutes); a good file among
    // them shows each file gets its own line.
    const files = BAD_FLAG_FILES.map((_f, i) => `bad-${i}.yaml`);
    await Promise.all(BAD_FLAG_FILES.map((f, i) => writeFile(join(dir, files[i]!), fixtureContent(f))));
    await writeFile(join(dir, 'good.yaml'), VALID_FLAGS_YAML);
    const r = await runCli(['validate', ...files, 'good.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toMatch(
      /^good\.yaml: \d+ flags, \d+ segments?, \d+ kill switch(es)? — OK\n {2}prompt 'system-prompt': no \{\{variables\}\} \(a, b, c\)\n$/,
    );
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(BAD_FLAG_FILES.length);
    BAD_FLAG_FILES.forEach((fixture, i) => {
      expectNamed(lines[i]!, files[i]!, fixture);
    });

    // And alone, as a user runs it: exactly one line.
    const single = await runCli(['validate', files[6]!], { cwd: dir });
    expect(single.code).toBe(1);
    expect(single.stdout).toBe('');
    expect(single.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expectNamed(single.stderr.trimEnd(), files[6]!, BAD_FLAG_FILES[6]!);
  }, 120_000);

  it('a running provider keeps serving the previous flags when the file is replaced by each bad case', async () => {
    const file = join(dir, 'flags.yaml');
    await writeFile(file, VALID_FLAGS_YAML);
    const domain = randomUUID();
    const logged: string[] = [];
    const logger = { error: (line: string) => logged.push(line), warn: () => {}, info: () => {}, debug: () => {} };
    await OpenFeature.setProviderAndWait(domain, new LocalProvider({ file, watch: { pollMs: 100, debounceMs: 20 }, logger }));
    const client = OpenFeature.getClient(domain);
    const events = new EventQueue(client);
    const before = await client.getObjectDetails('chat-model', {}, { targetingKey: 'user-1' });
    expect(before.errorCode).toBeUndefined();

    for (const fixture of BAD_FLAG_FILES) {
      const error = events.next(ProviderEvents.Error, 10_000);
      // Saved the way editors save (temp file + rename), so the provider never reads half a file.
      const temp = join(dir, `.flags.yaml.${randomUUID()}.tmp`);
      await writeFile(temp, fixtureContent(fixture));
      await rename(temp, file);
      const { details } = await error;
      expectNamed(details.message!, file, fixture);
      // The operator sees it too: the same line, logged once.
      expect(
        logged.filter((line) => line.endsWith(details.message!)),
        fixture.name,
      ).toHaveLength(1);
      const now = await client.getObjectDetails('chat-model', {}, { targetingKey: 'user-1' });
      expect(now, fixture.name).toEqual(before);
    }
    await OpenFeature.clearProviders();
  }, 120_000);
});
