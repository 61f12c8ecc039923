import { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildContinuityModel, type ContinuityModelOptions } from './continuity-model.builder';

type Pixel = (x: number, y: number, channel: number) => number;

function frame(width: number, height: number, pixel: Pixel): Tensor {
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = Math.min(1, Math.max(0, pixel(x, y, c)));
    }
  }
  return new Tensor('float32', data, [1, 3, height, width]);
}

/** Deterministic noise in [-amplitude, amplitude]. */
function noise(amplitude: number): () => number {
  let state = 12345;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 2 * amplitude;
  };
}

// Gradients in red and green, an 8px checkerboard in blue: structure in every channel.
const pattern: Pixel = (x, y, c) => (c === 0 ? x / 64 : c === 1 ? y / 64 : ((x >> 3) + (y >> 3)) % 2 ? 0.8 : 0.2);
const COLOUR_BARS = [
  [1, 1, 1],
  [1, 1, 0],
  [0, 1, 1],
  [0, 1, 0],
  [1, 0, 1],
  [1, 0, 0],
  [0, 0, 1],
  [0, 0, 0],
];
const bars: Pixel = (x, _y, c) => COLOUR_BARS[(x >> 3) % 8][c];

describe(buildContinuityModel.name, () => {
  const sessions: InferenceSession[] = [];
  async function scorer(options?: ContinuityModelOptions) {
    const session = await InferenceSession.create(buildContinuityModel(options));
    sessions.push(session);
    expect(session.inputNames).toEqual(['frame_a', 'frame_b']);
    expect(session.outputNames).toEqual(['score']);
    return async (a: Tensor, b: Tensor) => {
      const { score } = await session.run({ frame_a: a, frame_b: b });
      expect(score.dims).toEqual([1]);
      return score.data[0] as number;
    };
  }
  afterAll(() => Promise.all(sessions.map((s) => s.release())));

  it('scores identical frames 1', async () => {
    const score = await scorer();
    expect(await score(frame(64, 64, pattern), frame(64, 64, pattern))).toBeCloseTo(1, 5);
  });

  it('scores a slightly noised copy high', async () => {
    const score = await scorer();
    const jitter = noise(0.02);
    const noised = frame(64, 64, (x, y, c) => pattern(x, y, c) + jitter());
    expect(await score(frame(64, 64, pattern), noised)).toBeGreaterThan(0.9);
  });

  it('scores unrelated pictures and colours low', async () => {
    const score = await scorer();
    expect(await score(frame(64, 64, pattern), frame(64, 64, bars))).toBeLessThan(0.5);
    const red = frame(64, 64, (_x, _y, c) => (c === 0 ? 0.9 : 0.1));
    const blue = frame(64, 64, (_x, _y, c) => (c === 2 ? 0.9 : 0.1));
    expect(await score(red, blue)).toBeLessThan(0.5);
  });

  it('is symmetric in its two frames', async () => {
    const score = await scorer();
    const jitter = noise(0.1);
    const a = frame(64, 64, pattern);
    const b = frame(64, 64, (x, y, c) => bars(x, y, c) * 0.7 + jitter());
    expect(await score(a, b)).toBe(await score(b, a));
  });

  it('catches a hue shift that keeps luma, which luma SSIM alone misses', async () => {
    const tint = [0.8, 0.4, 0.4];
    const luma = 0.299 * tint[0] + 0.587 * tint[1] + 0.114 * tint[2];
    const grey = frame(64, 64, () => luma);
    const reddish = frame(64, 64, (_x, _y, c) => tint[c]);
    expect(await (await scorer({ chromaWeight: 0 }))(grey, reddish)).toBeGreaterThan(0.99);
    expect(await (await scorer())(grey, reddish)).toBeLessThan(0.8);
  });

  it('stays within [0,1] when the structure is inverted', async () => {
    const score = await scorer();
    const inverted = frame(64, 64, (x, y, c) => 1 - pattern(x, y, c));
    const value = await score(frame(64, 64, pattern), inverted);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(0.2);
  });

  it('takes any frame size, including non-square, with a strided window', async () => {
    const score = await scorer({ window: 8, stride: 4 });
    const scaled: Pixel = (x, y, c) => pattern((x * 64) / 80, (y * 64) / 48, c);
    expect(await score(frame(80, 48, scaled), frame(80, 48, scaled))).toBeCloseTo(1, 5);
    expect(await score(frame(80, 48, scaled), frame(80, 48, bars))).toBeLessThan(0.5);
  });
});
