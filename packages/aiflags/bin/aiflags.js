#!/usr/bin/env node
// Committed so npm links `aiflags` during `npm ci`, before anything is built: npm links a bin only when its
// target exists at install time. The CLI itself is the build's dist/cli.js.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('aiflags is not built: run npm run build\n');
  process.exitCode = 1;
} else {
  await import(cli.href);
}
