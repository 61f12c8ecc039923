import { type RenderedAudio } from './music-plan.types';

const HEADER_BYTES = 44;
const CHANNELS = 2;
const BYTES_PER_SAMPLE = 2;

// Bound once: a global `Math` lookup per sample is slow inside vm contexts (jest).
const { round } = Math;

/** 16-bit PCM stereo RIFF/WAVE; samples outside [-1, 1] are clamped rather than wrapped. */
export function encodeWav(audio: RenderedAudio): Buffer {
  const { sampleRate, left, right } = audio;
  if (left.length !== right.length) throw new RangeError('left and right channels differ in length');
  const blockAlign = CHANNELS * BYTES_PER_SAMPLE;
  const dataBytes = left.length * blockAlign;
  const buffer = Buffer.alloc(HEADER_BYTES + dataBytes);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(CHANNELS, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * blockAlign, 28);
  buffer.writeUInt16LE(blockAlign, 32);
  buffer.writeUInt16LE(8 * BYTES_PER_SAMPLE, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  for (let i = 0; i < left.length; i++) {
    view.setInt16(HEADER_BYTES + i * blockAlign, toInt16(left[i]), true);
    view.setInt16(HEADER_BYTES + i * blockAlign + 2, toInt16(right[i]), true);
  }
  return buffer;
}

function toInt16(sample: number): number {
  if (sample >= 1) return 32767;
  if (sample <= -1) return -32768;
  if (sample < 0) return round(sample * 32768);
  // NaN fails every comparison and lands here as silence rather than a full-scale click.
  return sample > 0 ? round(sample * 32767) : 0;
}
