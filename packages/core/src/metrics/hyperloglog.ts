import { hashUnitId } from './unit-hash.js';

/** Register index bits: 2^12 = 4096 one-byte registers, standard error 1.04 / √4096 ≈ 1.6 %. */
export const HLL_PRECISION = 12;
const M = 1 << HLL_PRECISION;
const RANK_BITS = 32 - HLL_PRECISION;

/**
 * A HyperLogLog distinct counter (Flajolet et al. 2007) over unit ids: fixed memory, mergeable by
 * register-wise max, so unique units can be counted per hour and per process and combined exactly.
 * Registers are allocated on the first id, so an aggregate that never sees a unit id costs nothing.
 */
export class HyperLogLog {
  private registers: Uint8Array | null = null;

  /** Counts a unit id (idempotent per id). */
  add(unitId: string): void {
    this.addHash(hashUnitId(unitId));
  }

  /** Counts a precomputed 32-bit hash of a unit id (see hashUnitId). */
  addHash(hash: number): void {
    const regs = this.registers ?? (this.registers = new Uint8Array(M));
    const index = hash >>> RANK_BITS;
    // The sentinel bit caps the rank at RANK_BITS + 1 when the remaining bits are all zero.
    const rank = Math.clz32((hash << HLL_PRECISION) | (1 << (HLL_PRECISION - 1))) + 1;
    if (rank > regs[index]!) regs[index] = rank;
  }

  /** Merges another counter into this one (union of the two id sets). */
  merge(other: HyperLogLog): void {
    const src = other.registers;
    if (src === null) return;
    if (this.registers === null) {
      this.registers = src.slice();
      return;
    }
    const dst = this.registers;
    for (let i = 0; i < M; i++) if (src[i]! > dst[i]!) dst[i] = src[i]!;
  }

  /** A deep copy. */
  clone(): HyperLogLog {
    const out = new HyperLogLog();
    if (this.registers !== null) out.registers = this.registers.slice();
    return out;
  }

  /** True when no id was ever added. */
  isEmpty(): boolean {
    return this.registers === null;
  }

  /**
   * Estimated number of distinct ids, by Ertl's improved raw estimator ("New cardinality estimation
   * algorithms for HyperLogLog sketches", 2017, Algorithm 6): unbiased across the whole range without
   * the small/large-range switch of the original paper, whose hand-over near 2.5·m doubles the error.
   */
  estimate(): number {
    const regs = this.registers;
    if (regs === null) return 0;
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    for (let i = 0; i < M; i++) histogram[regs[i]!]!++;
    let z = M * tau(1 - histogram[RANK_BITS + 1]! / M);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += M * sigma(histogram[0]! / M);
    return Math.round((M * M) / (2 * Math.LN2 * z));
  }

  /**
   * JSON-safe text: '' when empty, 's:' + base64 of (index u16 LE, rank u8) triples while that is
   * smaller, else 'd:' + base64 of all registers.
   */
  serialize(): string {
    const regs = this.registers;
    if (regs === null) return '';
    let nonZero = 0;
    for (let i = 0; i < M; i++) if (regs[i] !== 0) nonZero++;
    if (nonZero * 3 < M) {
      const bytes = new Uint8Array(nonZero * 3);
      let j = 0;
      for (let i = 0; i < M; i++) {
        const r = regs[i]!;
        if (r === 0) continue;
        bytes[j++] = i & 0xff;
        bytes[j++] = i >>> 8;
        bytes[j++] = r;
      }
      return 's:' + toBase64(bytes);
    }
    return 'd:' + toBase64(regs);
  }

  /** Reads the text written by serialize(); throws on a malformed value. */
  static deserialize(text: string): HyperLogLog {
    const out = new HyperLogLog();
    if (text === '') return out;
    const bytes = fromBase64(text.slice(2));
    const regs = new Uint8Array(M);
    if (text.startsWith('d:') && bytes.length === M) {
      regs.set(bytes);
    } else if (text.startsWith('s:') && bytes.length % 3 === 0) {
      for (let j = 0; j < bytes.length; j += 3) {
        const index = bytes[j]! | (bytes[j + 1]! << 8);
        if (index >= M) throw new Error(`unique-unit sketch: register index ${index} out of range`);
        regs[index] = bytes[j + 2]!;
      }
    } else {
      throw new Error('unique-unit sketch: expected "", "s:<base64>" or "d:<base64>" of the right length');
    }
    out.registers = regs;
    return out;
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
