import type { Command } from 'commander';

// Placeholder until the command is written.
export function register(_program: Command): void {}
