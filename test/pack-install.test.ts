import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '@aiflags/testing';

/**
 * What a registry user gets: every workspace package under packages/ packed (prepack builds it), the
 * tarballs installed into a new app outside the repo without the optional peers, and the README's
 * integration run from ESM and CommonJS and type-checked with skipLibCheck: false.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
const locked = (name: string) => `${name}@${lock.packages[`node_modules/${name}`]!.version}`;
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const packages = readdirSync(join(ROOT, 'packages'))
  .map((dir) => join(ROOT, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private?: boolean }).private !== true);

const work = mkdtempSync(join(tmpdir(), 'aiflags-pack-'));
const app = join(work, 'app');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function sh(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  // Without the repo's CI / npm_* variables, as in a user's shell; `npx` must find the app's own bin.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  return run(file, args, { cwd, env: { ...clean, ...env }, maxBuffer: 16 << 20, timeout: 120_000 });
}

const INTEGRATION_BODY = `
await OpenFeature.setProviderAndWait(await createProvider());
const flags = aiFlags(OpenFeature.getClient());
async function answer(userId, message) {
  const ctx = { targetingKey: userId };
  const denied = await flags.guard('ai_agent_enabled', ctx);
  if (denied) return denied;
  const m = await flags.model('chat-model', ctx, { model: 'gpt-4o', provider: 'openai' });
  const reply = await m.tracker.trackDurationOf(() => callModel(m.model, m.params, message));
  m.tracker.record({ quality: reply.quality, costUsd: reply.costUsd });
  return reply.text;
}
const callModel = async (model) => ({ text: 'answered by ' + model, quality: 4, costUsd: 0.001 });
console.log(await answer('user-1', 'hello'));
await OpenFeature.close();
`;

describe('packed packages installed into a new app', { timeout: 240_000 }, () => {
  it('install, run from ESM and CommonJS, type-check, and run the CLI', async () => {
    const tarballs: string[] = [];
    for (const dir of packages) {
      const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', work], dir);
      const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = info!.files.map((f) => f.path);
      // prepack built it: the run-time entry, LICENSE and CHANGELOG ship; tests do not.
      expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
      expect(files.some((f) => f.includes('test/'))).toBe(false);
      tarballs.push(join(work, info!.filename));
    }

    // As a registry would see them: publint on each package (warnings count), and @arethetypeswrong on each
    // tarball for node16 (from ESM and from CommonJS) and bundler resolution. Two findings are accepted on
    // purpose: the packages are ESM only, so a CommonJS `require()` resolves to ESM (Node >= 20.19 loads it,
    // as the CommonJS run below proves), and node10 resolution, which ignores the exports map, is not supported.
    for (const dir of packages) {
      const lint = await sh(join(ROOT, 'node_modules', '.bin', 'publint'), ['--strict', dir], ROOT, { NO_COLOR: '1', FORCE_COLOR: '0' }).catch(
        (e: { stdout: string; stderr: string }) => ({ stdout: `${e.stdout}${e.stderr}` }),
      );
      expect(`${dir}: ${lint.stdout.trim().split('\n').at(-1)}`).toBe(`${dir}: All good!`);
    }
    for (const tarball of tarballs) {
      const attw = await sh(
        join(ROOT, 'node_modules', '.bin', 'attw'),
        [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'json'],
        ROOT,
      ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
      const byKind =
        (JSON.parse(attw.stdout) as { problems?: Record<string, Array<{ kind: string; entrypoint?: string; resolutionKind?: string }>> }).problems ?? {};
      const counted = Object.values(byKind)
        .flat()
        .filter((p) => p.kind !== 'CJSResolvesToESM' && p.resolutionKind !== 'node10');
      expect({ tarball, problems: counted }).toEqual({ tarball, problems: [] });
    }

    await sh('mkdir', ['-p', app], work);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'new-app', version: '1.0.0', private: true }));
    await sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...tarballs,
        locked('@openfeature/server-sdk'),
        locked('@openfeature/core'),
        locked('@types/node'),
      ],
      app,
    );
    // Optional is optional: no vendor SDK and no OpenTelemetry came with it.
    for (const peer of ['@launchdarkly/node-server-sdk', 'unleash-client', 'flagsmith-nodejs', '@opentelemetry/api'])
      expect(existsSync(join(app, 'node_modules', peer))).toBe(false);

    const version = await sh('npx', ['--no-install', 'aiflags', '--version'], app);
    expect(version.stdout.trim()).toBe('0.1.0');
    const init = await sh('npx', ['--no-install', 'aiflags', 'init'], app);
    expect(init.stdout).toContain("import { aiFlags, createProvider } from 'aiflags';");
    expect(readFileSync(join(app, 'flags.yaml'), 'utf8')).toContain('$schema: ./node_modules/@aiflags/core/flags.schema.json');
    expect(readFileSync(join(app, '.gitignore'), 'utf8')).toContain('.aiflags/');
    const validate = await sh('npx', ['--no-install', 'aiflags', 'validate'], app);
    expect(validate.stdout).toMatch(/flags\.yaml: 5 flags, 0 segments, 1 kill switch — OK/);

    writeFileSync(
      join(app, 'esm.mjs'),
      `import { OpenFeature } from '@openfeature/server-sdk';\nimport { aiFlags, createProvider } from 'aiflags';\n${INTEGRATION_BODY}`,
    );
    expect((await sh('node', ['esm.mjs'], app)).stdout).toMatch(/^answered by (gpt-4o|claude-sonnet-4)$/m);
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { OpenFeature } = require('@openfeature/server-sdk');\nconst { aiFlags, createProvider } = require('aiflags');\n(async () => {${INTEGRATION_BODY}})();`,
    );
    expect((await sh('node', ['cjs.cjs'], app)).stdout).toMatch(/^answered by (gpt-4o|claude-sonnet-4)$/m);

    // Importing the CLI module runs nothing (it would print help and exit otherwise).
    const cli = await sh('node', ['-e', "require('aiflags/cli'); import('aiflags/cli').then((m) => console.log(typeof m.runCli, 'alive'))"], app);
    expect(cli.stdout.trim()).toBe('function alive');

    // A backend whose SDK is missing: one line saying what to install.
    const ld = await sh('node', ['-e', "import('aiflags').then((a) => a.createProvider()).catch((e) => console.log(e.message))"], app, {
      AIFLAGS_BACKEND: 'launchdarkly',
    });
    expect(ld.stdout.trim()).toBe(
      'AIFLAGS_BACKEND=launchdarkly needs @launchdarkly/node-server-sdk, which is not installed: npm install @launchdarkly/node-server-sdk',
    );

    const fs = await sh('node', ['-e', "import('aiflags').then((a) => a.createProvider()).catch((e) => console.log(e.message))"], app, {
      AIFLAGS_BACKEND: 'flagsmith',
      FLAGSMITH_ENVIRONMENT_KEY: 'ser.test',
    });
    expect(fs.stdout.trim()).toBe('AIFLAGS_BACKEND=flagsmith needs flagsmith-nodejs, which is not installed: npm install flagsmith-nodejs');

    // `aiflags serve` from the installed CLI answers OFREP for the starter file's flags.
    const server = await spawnServer([join(app, 'node_modules', 'aiflags', 'bin', 'aiflags.js'), 'serve', '--port', '0'], {
      cwd: app,
      env: { REDIS_URL: '', AIFLAGS_SERVE_TOKEN: '' },
      url: /OFREP on (http:\/\/[^\s]+) /,
    });
    try {
      const answer = await fetch(`${server.url}/ofrep/v1/evaluate/flags/chat-model`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ key: 'chat-model', value: { model: expect.any(String) } });
    } finally {
      await server.stop();
    }

    // `aiflags replay` from the installed CLI, with a run module as a user writes one.
    writeFileSync(join(app, 'cases.jsonl'), `${Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `question ${i}` })).join('\n')}\n`);
    writeFileSync(
      join(app, 'eval.mjs'),
      'export async function run(variant, c) { return { output: variant.value.model + ": " + c.input, scores: { quality: 3 } }; }\n',
    );
    const replay = await sh('npx', ['--no-install', 'aiflags', 'replay', 'chat-model', '--cases', 'cases.jsonl', '--run', './eval.mjs', '--json'], app);
    expect(JSON.parse(replay.stdout).summary).toMatchObject({ ran: 10, complete: true });

    writeFileSync(
      join(app, 'index.ts'),
      `import { OpenFeature } from '@openfeature/server-sdk';\nimport { aiFlags, createProvider } from 'aiflags';\nimport { runCli } from 'aiflags/cli';\n` +
        `declare function callModel(model: string, params: object, message: string): Promise<{ text: string; quality: number; costUsd: number }>;\n` +
        `export async function main(): Promise<unknown> {\n${INTEGRATION_BODY.replace(/^const callModel.*$/m, '')
          .replace('answer(userId, message)', 'answer(userId: string, message: string)')
          .replace(/^console\.log.*$/m, "return [await answer('u', 'hi'), await runCli(['--version'])];")}}\n`,
    );
    for (const [module, moduleResolution] of [
      ['nodenext', 'nodenext'],
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ] as const) {
      writeFileSync(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module, moduleResolution, target: 'es2022', lib: ['es2023'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true },
          files: ['index.ts'],
        }),
      );
      // node16/nodenext read "type" to decide ESM; the TS file is an ES module.
      writeFileSync(join(app, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')), type: 'module' }, null, 2));
      const tsc = await sh('node', [TSC, '-p', 'tsconfig.json'], app).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
      expect(`${moduleResolution}: ${tsc.stdout}`).toBe(`${moduleResolution}: `);
    }
  });
});
