import { AIFLAGS_DIR } from '@aiflags/file';
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';

/** What `aiflags init` writes: one flag of each change type and a kill switch, each line saying what it does. */
export function starterFlags(schemaPath: string): string {
  return `# Flags for AI changes. Check with \`npx aiflags validate\`; a running app reloads this file on save,
# and a broken edit keeps the last good flags serving.
$schema: ${schemaPath}

flags:
  # A model swap: 5 % of users get the treatment; the same user always gets the same variant.
  chat-model:
    description: Try Claude Sonnet 4 in place of GPT-4o for chat answers
    changeType: model-swap
    variants:
      control:   { model: gpt-4o, provider: openai, temperature: 0.7 }
      treatment: { model: claude-sonnet-4, provider: anthropic, temperature: 0.7 }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }

  # A system-prompt test: three prompts, a third of users each; {{product}} is filled in by flags.prompt().
  system-prompt:
    changeType: system-prompt
    variants:
      helpful: "You are a helpful assistant for {{product}}."
      concise: "You are an assistant for {{product}}. Answer in at most three sentences."
      expert:  "You are a senior engineer at {{product}}. Explain trade-offs before code."
    defaultVariant: helpful
    split: { helpful: 33, concise: 33, expert: 34 }

  # A new tool: staff first (first matching rule wins), then 10 % of everyone else.
  web-search-tool:
    changeType: new-tool
    variants:
      off: []
      on:  [web_search]
    defaultVariant: off
    rollout: { variant: on, percentage: 10 }
    rules:
      - name: staff-first
        conditions: [{ attribute: email, op: ends_with, values: ["@example.com"] }]
        variant: on

  # A parameter change: half the users answer at a lower temperature.
  temperature:
    changeType: parameter
    variants: { current: 0.7, lower: 0.3 }
    defaultVariant: current
    split: { current: 50, lower: 50 }

  # An agent workflow: the planning agent for 1 % of users, by organisation so a team sees one behaviour.
  agent-workflow:
    changeType: agent-workflow
    variants: { single-step: single-step, planner: planner }
    defaultVariant: single-step
    rollout: { variant: planner, percentage: 1 }
    bucketing: { by: org.id }

killSwitches:
  # On by default. \`npx aiflags kill ai_agent_enabled --reason "…"\` turns it off in every process;
  # callers of flags.guard() then get { error: 'Feature temporarily disabled', retryAfter: 300 }.
  ai_agent_enabled: {}
`;
}

/** The README's ten-line integration, printed for pasting. */
export const INTEGRATION = `import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, createProvider } from 'aiflags';

await OpenFeature.setProviderAndWait(await createProvider()); // AIFLAGS_BACKEND (default local), AIFLAGS_FLAGS (default ./flags.yaml)
const flags = aiFlags(OpenFeature.getClient());

const denied = await flags.guard('ai_agent_enabled', ctx); // null, or { error, retryAfter }
if (denied) return denied;
const m = await flags.model('chat-model', ctx, { model: 'gpt-4o', provider: 'openai' });
const reply = await m.tracker.trackDurationOf(() => callModel(m.model, m.params, message));
m.tracker.record({ quality: reply.quality, costUsd: reply.costUsd });`;

/**
 * `$schema` for a flag file in `dir`: the JSON Schema of the installed @aiflags/core, relative, so editors
 * find it in node_modules; the published URL when core cannot be resolved from here.
 */
export function schemaReference(dir: string): string {
  let schema: string;
  try {
    schema = createRequire(join(dir, 'package.json')).resolve('@aiflags/core/flags.schema.json');
  } catch {
    schema = createRequire(import.meta.url).resolve('@aiflags/core/flags.schema.json');
  }
  const path = relative(dir, schema).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** Adds `.aiflags/` (live state, metrics, audit log: per machine, never committed) to the .gitignore in `dir`. */
async function ignoreStateDir(dir: string): Promise<boolean> {
  const file = join(dir, '.gitignore');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (current.split(/\r?\n/).some((line) => [AIFLAGS_DIR, `${AIFLAGS_DIR}/`, `/${AIFLAGS_DIR}`, `/${AIFLAGS_DIR}/`].includes(line.trim()))) return false;
  await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${AIFLAGS_DIR}/\n`);
  return true;
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter flags.yaml, add .aiflags/ to .gitignore, and print the code to paste')
    .argument('[file]', 'the flag file to write (default: --flags, $AIFLAGS_FLAGS or ./flags.yaml)')
    .option('--force', 'overwrite an existing flag file')
    .action(
      action(async (file: string | undefined, options: { force?: boolean }, command: Command) => {
        const path = resolve(file ?? flagsPathFor(command));
        if (existsSync(path) && options.force !== true) throw new CliError(`${path}: already exists; pass --force to overwrite it`);
        const dir = dirname(path);
        await writeFile(path, starterFlags(schemaReference(dir)));
        const ignored = await ignoreStateDir(dir);
        const shown = relative(process.cwd(), path) || path;
        process.stdout.write(
          `wrote ${shown}${ignored ? ', added .aiflags/ to .gitignore' : ''}\n\n` +
            `Paste into your app (npm install aiflags @openfeature/server-sdk):\n\n${INTEGRATION}\n\n` +
            `Then: npx aiflags validate ${shown}\n`,
        );
      }),
    );
}
