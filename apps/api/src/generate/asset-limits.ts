import { AppError, Errors } from '@app/domain';
import { type ModelProfile } from '@app/generation';
import { type AssetDraft, ASSET_LIMITS } from './asset-request.parser';

/** What an input is, read from its first bytes. */
export interface InputFacts {
  contentType: 'image/png' | 'image/jpeg' | 'video/mp4';
  ext: 'png' | 'jpg' | 'mp4';
  width: number | null;
  height: number | null;
}

/** PNG (IHDR) and baseline/progressive JPEG (SOFn) sizes; MP4 by its `ftyp` box; null for anything else. */
export function sniffInput(bytes: Buffer): InputFacts | null {
  if (bytes.length > 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { contentType: 'image/png', ext: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let at = 2; at + 9 < bytes.length;) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1];
      const length = bytes.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return {
          contentType: 'image/jpeg',
          ext: 'jpg',
          height: bytes.readUInt16BE(at + 5),
          width: bytes.readUInt16BE(at + 7),
        };
      }
      at += 2 + length;
    }
    return null;
  }
  if (bytes.length > 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    return { contentType: 'video/mp4', ext: 'mp4', width: null, height: null };
  }
  return null;
}

function refuse(
  profile: ModelProfile,
  limit: string,
  asked: number | string,
  max: number | string,
  what: string,
): AppError {
  return new AppError(
    Errors.providerLimitExceeded,
    `${what} ${asked} is over the ${limit} limit of profile ${profile.name} (${max})`,
    { details: { limit, asked, max, profile: profile.name } },
  );
}

/**
 * Refuses a request beyond the profile's hard limits (long and short side, frames) or the product's
 * (frame rate, frames), naming the limit; `outputSize` is what will be made (an upscale doubles its input).
 */
export function assertWithinLimits(
  draft: AssetDraft,
  profile: ModelProfile,
  outputSize: { width: number; height: number },
): void {
  const long = Math.max(outputSize.width, outputSize.height);
  const short = Math.min(outputSize.width, outputSize.height);
  const maxLong = Math.max(profile.maxWidth, profile.maxHeight);
  const maxShort = Math.min(profile.maxWidth, profile.maxHeight);
  const size = `${outputSize.width}x${outputSize.height}`;
  if (long > maxLong) throw refuse(profile, 'maxWidth', size, `${maxLong} px on the long side`, 'resolution');
  if (short > maxShort) throw refuse(profile, 'maxHeight', size, `${maxShort} px on the short side`, 'resolution');
  const { frames, fps } = draft.params;
  if (fps !== null && fps > ASSET_LIMITS.maxFps) throw refuse(profile, 'maxFps', fps, ASSET_LIMITS.maxFps, 'fps');
  if (frames !== null) {
    const maxFrames = Math.min(profile.maxFrames ?? ASSET_LIMITS.maxFrames, ASSET_LIMITS.maxFrames);
    if (frames > maxFrames) throw refuse(profile, 'maxFrames', frames, maxFrames, 'frames');
  }
  if (draft.params.steps !== null && profile.sampling.steps !== null && draft.params.steps > 200)
    throw refuse(profile, 'maxSteps', draft.params.steps, 200, 'steps');
}
