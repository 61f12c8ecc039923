import { encodeWav } from './wav.encoder';

describe(encodeWav.name, () => {
  const audio = {
    sampleRate: 48000,
    left: Float32Array.from([0, 0.5, -0.5, 1, -1, 2]),
    right: Float32Array.from([0.25, -0.25, 0, -2, 0.999, Number.NaN]),
  };

  it('writes a 44-byte RIFF/WAVE header for 16-bit stereo PCM', () => {
    const wav = encodeWav(audio);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.toString('ascii', 12, 16)).toBe('fmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(24)).toBe(48000);
    expect(wav.readUInt32LE(28)).toBe(48000 * 4);
    expect(wav.readUInt16LE(32)).toBe(4);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(6 * 4);
    expect(wav.length).toBe(44 + 6 * 4);
  });

  it('interleaves left and right and clamps instead of wrapping when samples overshoot or are NaN', () => {
    const wav = encodeWav(audio);
    const frames = Array.from({ length: 6 }, (_, i) => [wav.readInt16LE(44 + i * 4), wav.readInt16LE(46 + i * 4)]);
    expect(frames).toEqual([
      [0, 8192],
      [16384, -8192],
      [-16384, 0],
      [32767, -32768],
      [-32768, 32734],
      [32767, 0],
    ]);
  });

  it('rejects channels of different lengths', () => {
    expect(() => encodeWav({ sampleRate: 8000, left: new Float32Array(2), right: new Float32Array(3) })).toThrow(
      RangeError,
    );
  });
});
