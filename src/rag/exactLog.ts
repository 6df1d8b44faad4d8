/**
 * @module rag/exactLog
 *
 * The natural logarithm rounded correctly to the nearest double. V8's
 * `Math.log` may be one unit in the last place off, while SQLite's FTS5 calls
 * the C library's `log`, which (glibc) is correctly rounded in practice: bm25
 * scores computed with `Math.log` then differ from FTS5's in the last bit,
 * enough to swap two passages of equal rank. The logarithm is computed here
 * in double-double arithmetic (about 106 bits) and rounded once, so the
 * in-memory index (rag/memoryKnowledgeIndex) gives FTS5's scores exactly. It
 * runs once per query term, never per passage.
 */

/** A value as the unevaluated sum hi + lo, |lo| ≤ ulp(hi) / 2. */
type Dd = readonly [hi: number, lo: number];

const LN2: Dd = [0.6931471805599453, 2.3190468138462996e-17];
const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): Dd {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): Dd {
  const s = a + b;
  return [s, b - (s - a)];
}

function split(a: number): Dd {
  const c = SPLITTER * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

function twoProd(a: number, b: number): Dd {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: Dd, b: Dd): Dd {
  const [s, e] = twoSum(a[0], b[0]);
  return quickTwoSum(s, e + a[1] + b[1]);
}

function mul(a: Dd, b: Dd): Dd {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}

function div(a: Dd, b: Dd): Dd {
  const q1 = a[0] / b[0];
  const r = add(a, mul(b, [-q1, 0]));
  const q2 = r[0] / b[0];
  const r2 = add(r, mul(b, [-q2, 0]));
  const q3 = r2[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

/**
 * ln(x) for a finite x > 0, correctly rounded (barring a value within 2^-100
 * of a rounding boundary). x = m·2^k with m in [√½, √2); ln m = 2·atanh(s),
 * s = (m − 1)/(m + 1) ≤ 0.172, whose odd series converges by 2^-5 a term.
 */
export function exactLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  if (x === 1) return 0;
  let k = Math.floor(Math.log2(x));
  let m = x / 2 ** k;
  // Math.log2 may be off by one near powers of two; bring m into [1, 2), then around 1.
  while (m >= 2) {
    m /= 2;
    k++;
  }
  while (m < 1) {
    m *= 2;
    k--;
  }
  if (m > Math.SQRT2) {
    m /= 2;
    k++;
  }
  const s = div([m - 1, 0], twoSum(m, 1));
  const s2 = mul(s, s);
  let term = s;
  let sum: Dd = s;
  for (let n = 3; n < 80; n += 2) {
    term = mul(term, s2);
    const piece = div(term, [n, 0]);
    sum = add(sum, piece);
    if (Math.abs(piece[0]) < 1e-34 * Math.abs(sum[0])) break;
  }
  const lnM = mul(sum, [2, 0]);
  const result = add(mul(LN2, [k, 0]), lnM);
  return result[0] + result[1];
}
