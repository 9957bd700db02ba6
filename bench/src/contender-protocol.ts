import type { Contender } from './contender.js';

/** What a contender worker is started with (as one JSON argument). */
export interface WorkerSpec {
  /** Key into CONTENDERS. */
  id: string;
  key: string;
  /** Rollout of `true`, in percent. */
  percentage: number;
  users: number;
}

export type WorkerRequest = { type: 'batch' } | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; name: string; kind: Contender['kind']; expectedPercent: number }
  | { type: 'skipped'; name: string; kind: Contender['kind']; reason: string }
  | { type: 'batch'; cpuNs: number; wallNs: number; hits: number }
  | { type: 'error'; message: string };
