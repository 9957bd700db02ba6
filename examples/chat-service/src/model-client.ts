/**
 * The model client the chat service calls. The service only knows the `ModelClient` interface; the demo and
 * the tests use `SimulatedModelClient`, which needs no network and gives every model and prompt its own
 * quality, latency, cost and error profile, deterministically from a seed.
 *
 * ─── Plugging in a real model ─────────────────────────────────────────────────────────────────────────
 * Implement `ModelClient.complete` with your SDK call and pass it to `createChatService({ client })`:
 *
 *   const openai = new OpenAI();
 *   const client: ModelClient = {
 *     async complete({ model, params, system, message }) {
 *       const r = await openai.chat.completions.create({ model, temperature: params.temperature as number,
 *         messages: [{ role: 'system', content: system }, { role: 'user', content: message }] });
 *       return { text: r.choices[0].message.content ?? '', inputTokens: r.usage!.prompt_tokens,
 *         outputTokens: r.usage!.completion_tokens, costUsd: priceOf(model, r.usage!) };
 *     },
 *   };
 *
 * Quality is not something a model call returns: score it with an eval, a judge model, or user feedback,
 * and hand the score to `tracker.record({ quality })`.
 * ─────────────────────────────────────────────────────────────────────────────────────────────────────
 */

export interface ModelRequest {
  model: string;
  provider: string;
  params: Record<string, unknown>;
  system: string;
  message: string;
  /** Who is asking; the simulation uses it to stay deterministic per user. */
  userId: string;
}

export interface ModelReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** US dollars. */
  costUsd: number;
  /** A quality score from 1 to 5. A real service gets it from an eval or from feedback; the simulation knows it. */
  quality?: number;
}

export interface ModelClient {
  complete(request: ModelRequest): Promise<ModelReply>;
}

/** How a simulated model behaves. */
export interface ModelProfile {
  /** Mean quality on a 1-5 scale, and its standard deviation. */
  quality: number;
  qualitySd: number;
  /** Median latency in ms; latency is log-normal with this median. */
  latencyMs: number;
  /** Price in US dollars per 1,000 input and output tokens. */
  inputPer1k: number;
  outputPer1k: number;
  /** Fraction of calls that fail (0-1). */
  errorRate: number;
}

/** How a system prompt shifts a model's behaviour. */
export interface PromptEffect {
  /** Added to the mean quality. */
  quality: number;
  /** Multiplies output tokens (and so latency and cost). */
  outputTokens: number;
}

export const defaultModelProfiles: Record<string, ModelProfile> = {
  'gpt-4o': { quality: 3.9, qualitySd: 0.8, latencyMs: 40, inputPer1k: 0.0025, outputPer1k: 0.01, errorRate: 0.01 },
  'claude-sonnet-4': { quality: 4.05, qualitySd: 0.8, latencyMs: 42, inputPer1k: 0.0025, outputPer1k: 0.011, errorRate: 0.01 },
};

/** Effects of the example's system prompts, recognised by a phrase in the prompt text. */
export const defaultPromptEffects: Array<{ match: RegExp; effect: PromptEffect }> = [
  { match: /at most three sentences/i, effect: { quality: -0.35, outputTokens: 0.4 } },
  { match: /senior engineer/i, effect: { quality: 0.1, outputTokens: 1.3 } },
];

export class SimulatedModelError extends Error {
  override name = 'SimulatedModelError';
}

/** A deterministic, seeded stand-in for a model API. Latency is simulated with a real (short) wait. */
export class SimulatedModelClient implements ModelClient {
  private calls = 0;

  constructor(
    private readonly options: {
      seed?: number;
      profiles?: Record<string, ModelProfile>;
      promptEffects?: Array<{ match: RegExp; effect: PromptEffect }>;
      /** Scales the simulated wait (default 1: really waits the modelled latency); 0 returns at once. */
      timeScale?: number;
    } = {},
  ) {}

  async complete(request: ModelRequest): Promise<ModelReply> {
    const profiles = this.options.profiles ?? defaultModelProfiles;
    const profile = profiles[request.model];
    if (!profile) throw new SimulatedModelError(`unknown model '${request.model}'`);
    const effect = (this.options.promptEffects ?? defaultPromptEffects).find((p) => p.match.test(request.system))?.effect;
    const rand = mulberry32(hashString(`${this.options.seed ?? 42}:${request.model}:${request.userId}:${this.calls++}`));

    const inputTokens = Math.round((request.system.length + request.message.length) / 4) + 300;
    const outputTokens = Math.max(20, Math.round(250 * (effect?.outputTokens ?? 1) * (0.7 + 0.6 * rand())));
    const latencyMs = profile.latencyMs * (outputTokens / 250) ** 0.5 * Math.exp(0.35 * normal(rand));
    const scale = this.options.timeScale ?? 1;
    if (scale > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs * scale));

    if (rand() < profile.errorRate) throw new SimulatedModelError(`${request.provider} returned 529 overloaded`);
    const quality = clamp(profile.quality + (effect?.quality ?? 0) + profile.qualitySd * normal(rand), 1, 5);
    return {
      text: `(${request.model}) Here is an answer to: ${request.message.slice(0, 40)}`,
      inputTokens,
      outputTokens,
      costUsd: (inputTokens / 1000) * profile.inputPer1k + (outputTokens / 1000) * profile.outputPer1k,
      quality: Math.round(quality * 10) / 10,
    };
  }
}

/** FNV-1a, 32 bit: seeds the generator from a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller). */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
