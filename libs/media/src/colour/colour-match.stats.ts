/** Mean and standard deviation of one plane, in 8-bit code values. */
export interface ChannelStats {
  mean: number;
  std: number;
}

/**
 * A frame's colour described by its Y, U and V planes: luma level and contrast, chroma cast and
 * saturation. Measured in the planes the clips are stored in, so a correction derived from two of
 * these applies to a clip's samples without a colour-matrix round trip.
 */
export interface ColourStats {
  y: ChannelStats;
  u: ChannelStats;
  v: ChannelStats;
}

export const COLOUR_PLANES = ['y', 'u', 'v'] as const;
export type ColourPlane = (typeof COLOUR_PLANES)[number];

/** Per-plane statistics of one rawvideo `yuv444p` frame (three full-size planes, Y then U then V). */
export function yuv444pStats(bytes: Uint8Array, width: number, height: number): ColourStats {
  const n = width * height;
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`not a frame size: ${width}x${height}`);
  if (bytes.length !== 3 * n) {
    throw new RangeError(`a ${width}x${height} yuv444p frame has ${3 * n} bytes, got ${bytes.length}`);
  }
  const plane = (k: number): ChannelStats => {
    // Integer sums stay exact in a double (255^2 * n is far below 2^53), so the one-pass variance is too.
    let sum = 0;
    let sumSq = 0;
    for (let i = k * n; i < (k + 1) * n; i++) {
      sum += bytes[i];
      sumSq += bytes[i] * bytes[i];
    }
    const mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
  };
  return { y: plane(0), u: plane(1), v: plane(2) };
}

/**
 * How far apart two frames' colours are: the root sum of squares of the six mean and deviation
 * differences, in 8-bit code values. A grade that moves luma by 3 levels scores 3.
 */
export function colourDistance(a: ColourStats, b: ColourStats): number {
  let sq = 0;
  for (const p of COLOUR_PLANES) {
    sq += (a[p].mean - b[p].mean) ** 2 + (a[p].std - b[p].std) ** 2;
  }
  return Math.sqrt(sq);
}
