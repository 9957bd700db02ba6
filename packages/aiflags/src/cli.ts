#!/usr/bin/env node
// The `aiflags` executable. The library side (`aiflags/cli`) is ./cli/run-cli.ts, which runs nothing on import.
import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
