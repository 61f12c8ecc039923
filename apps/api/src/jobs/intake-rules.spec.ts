import { deflateSync } from 'node:zlib';
import { type Brief, briefSchema } from '@app/domain';
import { complianceProblems, logoProblems } from './intake-rules';

function png(width: number, height: number): string {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.writeUInt8(8, 16);
  ihdr.writeUInt8(6, 17);
  const body = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr, deflateSync(Buffer.alloc(16))]);
  return `data:image/png;base64,${body.toString('base64')}`;
}

const brief = (extra: object): Brief => briefSchema.parse({ brief: 'A bumper for a bakery on the corner.', ...extra });

describe('intake rules', () => {
  it('accepts a small PNG logo and refuses what is not a PNG by its bytes', () => {
    expect(logoProblems(png(64, 32))).toEqual([]);
    const gif = `data:image/png;base64,${Buffer.from('GIF89a-not-a-png-at-all-really-no-1234').toString('base64')}`;
    expect(logoProblems(gif)).toEqual([{ field: 'watermark.logo', reason: expect.stringContaining('not a PNG') }]);
  });

  it('refuses a logo with too many pixels, naming its size', () => {
    expect(logoProblems(png(10_000, 10_000))[0].reason).toContain('10000x10000');
    expect(logoProblems(png(0, 10))[0].field).toBe('watermark.logo');
  });

  it('refuses compliance text that cannot be read in the ad, with the shortest duration that fits', () => {
    const long = { disclaimer: Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ') };
    const problems = complianceProblems(brief({ durationSec: 10, compliance: long }));
    expect(problems).toEqual([
      { field: 'compliance', reason: expect.stringContaining('durationSec 20'), minimumDurationSec: 20 },
    ]);
    expect(complianceProblems(brief({ durationSec: 20, compliance: long }))).toEqual([]);
  });
});
