#!/usr/bin/env node
import { Command } from 'commander';
import { commands } from './cli/commands/index.js';
import { addGlobalOptions } from './cli/global-options.js';

const program = new Command('aiflags').description('Feature flags for AI changes');
addGlobalOptions(program);
for (const register of commands) register(program);
await program.parseAsync(process.argv);
