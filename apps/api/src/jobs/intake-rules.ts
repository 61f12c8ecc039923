import { type Brief, complianceText, MAX_DURATION_SEC, MIN_DURATION_SEC, type Problem } from '@app/domain';
import { COMPLIANCE_WORDS_PER_SEC, countWords } from '@app/media';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const LOGO_MAX_BYTES = 300 * 1024;
export const LOGO_MAX_SIDE_PX = 4096;
export const LOGO_MAX_PIXELS = 4_000_000;

/**
 * What composition would refuse, refused at intake instead, before scenes and music are paid for:
 * a logo that is not a PNG by its bytes or is too large to overlay, and fair-balance text that
 * cannot be read at the legal pace within the ad.
 */
export function intakeRuleProblems(brief: Brief): Problem[] {
  return [...logoProblems(brief.watermark?.logo), ...complianceProblems(brief)];
}

export function logoProblems(dataUrl: string | undefined): Problem[] {
  if (!dataUrl) return [];
  const field = 'watermark.logo';
  const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  if (png.length > LOGO_MAX_BYTES) return [{ field, reason: `must be at most ${LOGO_MAX_BYTES / 1024} KB` }];
  // The signature, then the IHDR chunk first: length 13, type, width and height as big-endian integers.
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    return [{ field, reason: 'is not a PNG image (its bytes do not start with the PNG signature and header)' }];
  }
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (
    width < 1 ||
    height < 1 ||
    width > LOGO_MAX_SIDE_PX ||
    height > LOGO_MAX_SIDE_PX ||
    width * height > LOGO_MAX_PIXELS
  ) {
    return [
      {
        field,
        reason: `is ${width}x${height}; a logo may be at most ${LOGO_MAX_SIDE_PX} px a side and ${LOGO_MAX_PIXELS / 1e6} megapixels`,
      },
    ];
  }
  return [];
}

export function complianceProblems(brief: Brief): Problem[] {
  const text = complianceText(brief);
  if (!text) return [];
  const words = countWords(text);
  const minimumSec = Math.max(MIN_DURATION_SEC, Math.ceil(words / COMPLIANCE_WORDS_PER_SEC - 1e-9));
  if (minimumSec <= brief.durationSec) return [];
  const fits =
    minimumSec <= MAX_DURATION_SEC
      ? `durationSec ${minimumSec} is the shortest that fits`
      : `no allowed duration fits (at most ${MAX_DURATION_SEC}s): shorten it`;
  const problem: Problem & { minimumDurationSec: number } = {
    field: 'compliance',
    reason: `${words} words cannot be read at ${COMPLIANCE_WORDS_PER_SEC} words a second in ${brief.durationSec}s; ${fits}`,
    minimumDurationSec: minimumSec,
  };
  return [problem];
}
