/**
 * The model client the chat service calls. The service only knows the `ModelClient` interface; the demo and
 * the tests use `SimulatedModelClient`, which needs no network and gives every model and prompt its own
 * thoroughness, latency, cost and error profile, deterministically from a seed. It writes answers, not scores:
 * how good an answer is, is for the judge (`quality-judge.ts`) and the users' thumbs to say.
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
 * Quality is not something a model call returns: the service hands each answer to `tracker.response()`, a
 * judge scores a sample of them off the request path, and users' thumbs arrive later by response id.
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
}

export interface ModelClient {
  complete(request: ModelRequest): Promise<ModelReply>;
}

/** How a simulated model behaves. */
export interface ModelProfile {
  /** Mean number of points an answer makes (1-5: a vague opener, then up to four concrete steps), and its standard deviation. */
  thoroughness: number;
  thoroughnessSd: number;
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
  /** Added to the mean thoroughness. */
  thoroughness: number;
  /** Multiplies output tokens (and so latency and cost). */
  outputTokens: number;
}

export const defaultModelProfiles: Record<string, ModelProfile> = {
  'gpt-4o': { thoroughness: 3.9, thoroughnessSd: 0.8, latencyMs: 40, inputPer1k: 0.0025, outputPer1k: 0.01, errorRate: 0.01 },
  'claude-sonnet-4': { thoroughness: 4.05, thoroughnessSd: 0.8, latencyMs: 42, inputPer1k: 0.0025, outputPer1k: 0.011, errorRate: 0.01 },
};

/** Effects of the example's system prompts, recognised by a phrase in the prompt text. */
export const defaultPromptEffects: Array<{ match: RegExp; effect: PromptEffect }> = [
  { match: /at most three sentences/i, effect: { thoroughness: -0.35, outputTokens: 0.4 } },
  { match: /senior engineer/i, effect: { thoroughness: 0.1, outputTokens: 1.3 } },
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
    const points = Math.round(clamp(profile.thoroughness + (effect?.thoroughness ?? 0) + profile.thoroughnessSd * normal(rand), 1, 5));
    return {
      text: answerText(request, points),
      inputTokens,
      outputTokens,
      costUsd: (inputTokens / 1000) * profile.inputPer1k + (outputTokens / 1000) * profile.outputPer1k,
    };
  }
}

/** The steps a simulated answer can make; each names code, which is what the heuristic judge looks for. */
const steps = [
  'Call `items.reverse()` to reverse the list in place.',
  'Use `reversed(items)` for an iterator that leaves the list unchanged.',
  'The slice `items[::-1]` returns a reversed copy.',
  'Note that `items.reverse()` returns `None`, so do not assign its result.',
];

/** An answer of `points` points: an opener, then `points - 1` concrete steps. */
function answerText(request: ModelRequest, points: number): string {
  const opener = `(${request.model}) There are a few ways to do this: ${request.message.slice(0, 40)}`;
  return [opener, ...steps.slice(0, points - 1)].join(' ');
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
