/**
 * Key names under a prefix. State and audit share a hash tag so the change script (which writes both)
 * also runs on Redis Cluster.
 */
export interface RedisKeys {
  prefix: string;
  /** Hash: `v` version, `e` epoch, `k:<switch>` and `f:<flag>` JSON entries. */
  state: string;
  /** Stream of audit entries. */
  audit: string;
  /** Pub/sub channel for change messages. */
  changes: string;
  /** Hash of presence records, instance id -> JSON record. */
  instances: string;
  /** Pub/sub channel where instances announce (and so acknowledge) the live-state version they applied. */
  acks: string;
  /** Metric keys for one flag: a sorted set of bucket starts, then one hash and one HyperLogLog per bucket. */
  metricBuckets(flagKey: string): string;
  metricCells(flagKey: string, bucketStart: number): string;
  metricUnits(flagKey: string, variant: string, bucketStart: number): string;
  /** Hash of one response's attributions for late feedback, flag key -> JSON; expires after the store's TTL. */
  response(responseId: string): string;
  /** Stream of one flag version's replay (or shadow) results, one JSON entry per result. */
  replay(flagKey: string, flagVersion: string): string;
}

/** The default key prefix: `aiflags:<env>`, env `default` when none is given (the aiflags runtime passes AIFLAGS_ENV). */
export function defaultPrefix(env?: string): string {
  return `aiflags:${env ?? 'default'}`;
}

/** Key names for a prefix such as `aiflags:prod`. */
export function redisKeys(prefix: string): RedisKeys {
  const tag = `{${prefix}}`;
  return {
    prefix,
    state: `${tag}:state`,
    audit: `${tag}:audit`,
    changes: `${prefix}:changes`,
    instances: `${prefix}:instances`,
    acks: `${prefix}:acks`,
    metricBuckets: (flagKey) => `${prefix}:m:{${flagKey}}:buckets`,
    metricCells: (flagKey, bucketStart) => `${prefix}:m:{${flagKey}}:${bucketStart}`,
    metricUnits: (flagKey, variant, bucketStart) => `${prefix}:m:{${flagKey}}:${bucketStart}:u:${variant}`,
    response: (responseId) => `${prefix}:r:${responseId}`,
    replay: (flagKey, flagVersion) => `${prefix}:replay:{${flagKey}}:${flagVersion}`,
  };
}
