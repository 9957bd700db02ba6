#!/usr/bin/env node
import { Command } from 'commander';
import { commands } from './cli/commands/index.js';

const program = new Command('aiflags').description('Feature flags for AI changes');
for (const register of commands) register(program);
await program.parseAsync(process.argv);
