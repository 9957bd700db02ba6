/** How much `aiflags serve` accepts and how long it waits; every field has a default. */
export interface ServeLimits {
  /** Largest request body in bytes (default 1 MiB); longer bodies get 413. */
  maxBodyBytes: number;
  /** Most outcomes or exposures in one POST /v1/outcomes or /v1/exposures (default 1000); longer batches get 413. */
  maxBatchItems: number;
  /** Requests handled at once (default 512); more get 429 with Retry-After. */
  maxInFlight: number;
  /** Seconds a client is told to wait in a 429's Retry-After (default 1). */
  retryAfterS: number;
  /** ms a client has to send the request headers (default 10 s); node:http's headersTimeout. */
  headersTimeoutMs: number;
  /** ms a client has to send the whole request (default 15 s); node:http's requestTimeout. */
  requestTimeoutMs: number;
  /** ms an idle keep-alive connection stays open (default 5 s). */
  keepAliveTimeoutMs: number;
  /** ms in-flight requests get to finish on shutdown before their connections are closed (default 10 s). */
  drainTimeoutMs: number;
}

export const DEFAULT_SERVE_LIMITS: Readonly<ServeLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxBatchItems: 1000,
  maxInFlight: 512,
  retryAfterS: 1,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  drainTimeoutMs: 10_000,
});
