import { hashUnitId } from './unit-hash.js';

/** Register index bits: 2^14 = 16384 registers, the precision Redis uses (PFADD), standard error 1.04 / √16384 ≈ 0.81 %. */
export const HLL_PRECISION = 14;
const M = 1 << HLL_PRECISION;
const RANK_BITS = 32 - HLL_PRECISION;
/** Relative standard error of a unique-unit estimate (1.04 / √16384 ≈ 0.0081, a fraction); pass it to srmTest as countRelativeError. */
export const HLL_RELATIVE_ERROR = 1.04 / Math.sqrt(M);

// Small counters keep (index, rank) pairs in an open-addressing table of 1024 slots (4 KB) and switch to
// 16 KB of dense registers past 768 entries, so an hour with a handful of units stays small.
const SPARSE_SLOTS = 1024;
const SPARSE_MAX = 768;
const RANK_FIELD = 5;
const RANK_MASK = (1 << RANK_FIELD) - 1;

/**
 * A HyperLogLog distinct counter (Flajolet et al. 2007; estimator of Ertl 2017) over unit ids: bounded
 * memory, mergeable by register-wise max, so unique units can be counted per hour and per process and
 * combined exactly. Nothing is allocated until the first id.
 */
export class HyperLogLog {
  private dense: Uint8Array | null = null;
  /** Entries ((index + 1) << 5 | rank); 0 marks an empty slot. */
  private sparse: Uint32Array | null = null;
  private sparseSize = 0;

  /** Counts a unit id (idempotent per id). */
  add(unitId: string): void {
    this.addHash(hashUnitId(unitId));
  }

  /** Counts a precomputed 32-bit hash of a unit id (see hashUnitId). */
  addHash(hash: number): void {
    // The sentinel bit caps the rank at RANK_BITS + 1 when the remaining bits are all zero.
    this.setRegister(hash >>> RANK_BITS, Math.clz32((hash << HLL_PRECISION) | (1 << (HLL_PRECISION - 1))) + 1);
  }

  /** Merges another counter into this one (union of the two id sets). */
  merge(other: HyperLogLog): void {
    if (other.dense !== null) {
      const src = other.dense;
      const dst = this.toDense();
      for (let i = 0; i < M; i++) if (src[i]! > dst[i]!) dst[i] = src[i]!;
    } else if (other.sparse !== null) {
      const table = other.sparse;
      for (let s = 0; s < SPARSE_SLOTS; s++) {
        const e = table[s]!;
        if (e !== 0) this.setRegister((e >>> RANK_FIELD) - 1, e & RANK_MASK);
      }
    }
  }

  /** A deep copy. */
  clone(): HyperLogLog {
    const out = new HyperLogLog();
    if (this.dense !== null) out.dense = this.dense.slice();
    if (this.sparse !== null) out.sparse = this.sparse.slice();
    out.sparseSize = this.sparseSize;
    return out;
  }

  /** True when no id was ever added. */
  isEmpty(): boolean {
    return this.dense === null && this.sparse === null;
  }

  /**
   * Estimated number of distinct ids, by Ertl's improved raw estimator ("New cardinality estimation
   * algorithms for HyperLogLog sketches", 2017, Algorithm 6): unbiased across the whole range without
   * the small/large-range switch of the original paper, whose hand-over near 2.5·m doubles the error.
   */
  estimate(): number {
    if (this.isEmpty()) return 0;
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    this.forEachRegister((_, rank) => histogram[rank]!++);
    histogram[0] = M - histogram.reduce((s, c) => s + c, 0);
    let z = M * tau(1 - histogram[RANK_BITS + 1]! / M);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += M * sigma(histogram[0]! / M);
    return Math.round((M * M) / (2 * Math.LN2 * z));
  }

  /**
   * Canonical JSON-safe text (equal registers give equal text): '' when empty, 's:' + base64 of
   * (index u16 LE, rank u8) triples in index order while that is smaller, else 'd:' + base64 of all registers.
   */
  serialize(): string {
    if (this.isEmpty()) return '';
    const entries: number[] = [];
    this.forEachRegister((index, rank) => entries.push(index * 256 + rank));
    if (entries.length * 3 >= M && this.dense !== null) return 'd:' + toBase64(this.dense);
    entries.sort((a, b) => a - b);
    const bytes = new Uint8Array(entries.length * 3);
    entries.forEach((e, j) => {
      const index = Math.floor(e / 256);
      bytes[3 * j] = index & 0xff;
      bytes[3 * j + 1] = index >>> 8;
      bytes[3 * j + 2] = e & 0xff;
    });
    return 's:' + toBase64(bytes);
  }

  /** Reads the text written by serialize(); throws on a malformed value. */
  static deserialize(text: string): HyperLogLog {
    const out = new HyperLogLog();
    if (text === '') return out;
    const bytes = fromBase64(text.slice(2));
    if (text.startsWith('d:') && bytes.length === M) {
      out.dense = bytes;
    } else if (text.startsWith('s:') && bytes.length % 3 === 0) {
      for (let j = 0; j < bytes.length; j += 3) {
        const index = bytes[j]! | (bytes[j + 1]! << 8);
        const rank = bytes[j + 2]!;
        if (index >= M || rank > RANK_BITS + 1) throw new Error(`unique-unit sketch: register ${index} = ${rank} is out of range`);
        out.setRegister(index, rank);
      }
    } else {
      throw new Error(`unique-unit sketch: expected "", "s:<base64>" or "d:<base64>" of ${M} bytes (precision ${HLL_PRECISION})`);
    }
    return out;
  }

  private setRegister(index: number, rank: number): void {
    if (rank === 0) return;
    const dense = this.dense;
    if (dense !== null) {
      if (rank > dense[index]!) dense[index] = rank;
      return;
    }
    const table = this.sparse ?? (this.sparse = new Uint32Array(SPARSE_SLOTS));
    // Register indices come from hash bits, so their low bits already spread evenly over the slots.
    let slot = index & (SPARSE_SLOTS - 1);
    const key = index + 1;
    for (;;) {
      const e = table[slot]!;
      if (e === 0) break;
      if (e >>> RANK_FIELD === key) {
        if (rank > (e & RANK_MASK)) table[slot] = (key << RANK_FIELD) | rank;
        return;
      }
      slot = (slot + 1) & (SPARSE_SLOTS - 1);
    }
    table[slot] = (key << RANK_FIELD) | rank;
    if (++this.sparseSize > SPARSE_MAX) this.toDense();
  }

  private toDense(): Uint8Array {
    if (this.dense !== null) return this.dense;
    const dense = new Uint8Array(M);
    const table = this.sparse;
    if (table !== null) {
      for (let s = 0; s < SPARSE_SLOTS; s++) {
        const e = table[s]!;
        if (e !== 0) dense[(e >>> RANK_FIELD) - 1] = e & RANK_MASK;
      }
    }
    this.dense = dense;
    this.sparse = null;
    this.sparseSize = 0;
    return dense;
  }

  /** Calls fn for every non-zero register. */
  private forEachRegister(fn: (index: number, rank: number) => void): void {
    if (this.dense !== null) {
      const dense = this.dense;
      for (let i = 0; i < M; i++) if (dense[i] !== 0) fn(i, dense[i]!);
    } else if (this.sparse !== null) {
      const table = this.sparse;
      for (let s = 0; s < SPARSE_SLOTS; s++) {
        const e = table[s]!;
        if (e !== 0) fn((e >>> RANK_FIELD) - 1, e & RANK_MASK);
      }
    }
  }
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1), for the share x of empty registers. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

/** Ertl's τ(x), for the share x of registers below the maximum rank. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}

// btoa/atob rather than Buffer so the core also runs where Node's Buffer does not (browsers, edge runtimes).
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error('unique-unit sketch: the text after the prefix is not base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
