import type { TokenPrices } from '@aiflags/core';

/** Tokens of one call; cached input tokens are part of inputTokens, priced at the cached-input price. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
}

const PER_MILLION = 1e6;

/**
 * The cost in USD of a call from its tokens and the variant's prices (USD per million tokens); undefined
 * when no token count is a finite number ≥ 0. Cached tokens beyond the input count are capped at it.
 */
export function costFromPrices(prices: TokenPrices, usage: TokenUsage): number | undefined {
  const input = tokens(usage.inputTokens);
  const output = tokens(usage.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  const cached = Math.min(tokens(usage.cachedInputTokens) ?? 0, input ?? 0);
  const cachedPrice = prices.cachedInput ?? prices.input;
  return (((input ?? 0) - cached) * prices.input + cached * cachedPrice + (output ?? 0) * prices.output) / PER_MILLION;
}

function tokens(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}
