#!/usr/bin/env node
// `npm test`'s pretest: prepares what the tests need and can be prepared without root. Today that is the
// test-only unleash-server (test/unleash-server, not a workspace). When it can't be installed, one line says
// why; the Unleash tests then skip with their own line, or fail under CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = join(root, 'test', 'unleash-server');
const installed = () => existsSync(join(serverDir, 'node_modules', 'unleash-server', 'package.json'));

if (!installed()) {
  console.log('pretest: installing the test-only unleash-server (npm ci --prefix test/unleash-server)');
  const npm = spawnSync('npm', ['ci', '--prefix', serverDir, '--no-audit', '--no-fund', '--loglevel', 'error'], { stdio: 'inherit' });
  if (npm.status !== 0 || !installed()) {
    console.log(`pretest: could not install test/unleash-server (npm exited ${npm.status ?? npm.signal}); the Unleash server tests will skip`);
    if (process.env.CI === 'true') process.exit(1);
  }
}
