import { InferenceSession, Tensor } from 'onnxruntime-node';
import { FLASH_MODEL_INPUT, FLASH_MODEL_OUTPUT } from '@app/inference';
import { buildFlashModel } from './flash-model.builder';

/** One flat grey frame per level (gamma-encoded, as decoded video is). */
function greys(levels: number[], size = 4): Tensor {
  const plane = 3 * size * size;
  const data = new Float32Array(levels.length * plane);
  levels.forEach((level, i) => data.fill(level, i * plane, (i + 1) * plane));
  return new Tensor('float32', data, [levels.length, 3, size, size]);
}

describe(buildFlashModel.name, () => {
  let session: InferenceSession;
  beforeAll(async () => {
    session = await InferenceSession.create(buildFlashModel({ sampleFps: 10 }));
  });
  afterAll(() => session.release());

  /** p(flash) per frame, rounded; each row of the output sums to 1. */
  async function flashes(levels: number[]): Promise<number[]> {
    const out = (await session.run({ [FLASH_MODEL_INPUT]: greys(levels) }))[FLASH_MODEL_OUTPUT];
    expect(out.dims).toEqual([levels.length, 2]);
    const p = out.data as Float32Array;
    return levels.map((_, i) => {
      expect(p[2 * i] + p[2 * i + 1]).toBeCloseTo(1, 5);
      return Math.round(p[2 * i + 1] * 100) / 100;
    });
  }

  it('has the classifier signature: frames [N,3,S,S] in, probabilities [N,2] out', () => {
    expect(session.inputNames).toEqual(['frames']);
    expect(session.outputNames).toEqual(['probabilities']);
    expect(session.inputMetadata[0]).toMatchObject({ shape: ['N', 3, 'S', 'S'] });
  });

  it('flags each transition of black/white flashing, the first frame having none', async () => {
    expect(await flashes([0, 1, 0, 1, 0, 1])).toEqual([0.01, 1, 1, 1, 1, 1]);
  });

  it('pairs opposing transitions across a bright state that lasts several frames', async () => {
    expect(await flashes([0, 0, 1, 1, 1, 0, 0])).toEqual([0.01, 0.01, 1, 0.01, 0.01, 1, 0.01]);
  });

  it('does not flag a single change, a fade or a steady picture', async () => {
    expect(await flashes([0, 0, 1, 1, 1, 1])).toEqual([0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
    expect(await flashes([0, 0.2, 0.4, 0.6, 0.8, 1])).toEqual([0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
    expect(await flashes([0.3, 0.3, 0.3])).toEqual([0.01, 0.01, 0.01]);
    expect(await flashes([0.5])).toEqual([0.01]);
  });

  it('measures change in linear light: a dark flicker under 20 cd/m² passes, a mid-grey one does not', async () => {
    // 0.1 -> 0.3 gamma-encoded is 0.006 -> 0.071 linear (a change under 0.1 of peak white).
    expect(Math.max(...(await flashes([0.1, 0.3, 0.1, 0.3, 0.1])))).toBeLessThan(0.5);
    // 0.5 -> 0.7 is 0.218 -> 0.456: above.
    expect(Math.max(...(await flashes([0.5, 0.7, 0.5, 0.7, 0.5])))).toBeGreaterThan(0.5);
  });

  it('ignores flicker whose darker state is above 160 cd/m² (0.8 of peak white)', async () => {
    // 0.92 -> 1 gamma-encoded is 0.83 -> 1 linear.
    expect(Math.max(...(await flashes([0.92, 1, 0.92, 1, 0.92])))).toBeLessThan(0.5);
  });

  it('pairs transitions only within its window (half a second)', async () => {
    const slow = [0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    expect(Math.max(...(await flashes(slow)))).toBeLessThan(0.5);
  });
});
