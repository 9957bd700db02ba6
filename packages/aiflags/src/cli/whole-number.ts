import { CliError } from './cli-error.js';

/** An option's whole number of at least `min`, digits only; a one-line CliError naming the option otherwise. */
export function wholeNumber(name: string, text: string, min = 1): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${name}: expected a whole number ≥ ${min}, got '${text}'`);
  return n;
}
