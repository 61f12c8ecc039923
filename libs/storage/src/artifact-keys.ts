/**
 * The key layout of a job's artifacts. Every segment is checked, because S3-compatible stores
 * (s3rver among them) accept `..` and odd characters in keys: nothing user-supplied gets through
 * unless it is a plain id.
 */
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

function segment(value: string, what: string): string {
  if (!SEGMENT.test(value)) throw new RangeError(`unsafe ${what} for a storage key: ${JSON.stringify(value)}`);
  return value;
}

function sceneNumber(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new RangeError(`scene index out of range: ${n}`);
  return n;
}

export class ArtifactKeys {
  readonly prefix: string;

  constructor(tenantId: string, jobId: string) {
    this.prefix = `users/${segment(tenantId, 'tenant')}/jobs/${segment(jobId, 'job id')}`;
  }

  get script() {
    return `${this.prefix}/script.json`;
  }
  clip(index: number) {
    return `${this.prefix}/clips/scene_${sceneNumber(index)}.mp4`;
  }
  lastFrame(index: number) {
    return `${this.prefix}/frames/scene_${sceneNumber(index)}_last.png`;
  }
  /** The first frame of a scene that starts a chain: the colour reference its chained scenes are matched to. */
  firstFrame(index: number) {
    return `${this.prefix}/frames/scene_${sceneNumber(index)}_first.png`;
  }
  /** The keyframe of the boundary where scene `index` starts (anchored chains). */
  keyframe(index: number) {
    return `${this.prefix}/frames/keyframe_${sceneNumber(index)}.png`;
  }
  get music() {
    return `${this.prefix}/audio/music.m4a`;
  }
  get finalVideo() {
    return `${this.prefix}/final/output.mp4`;
  }
  /** The master is `final/output.mp4`; every other format `final/output_<w>x<h ratio>.mp4`, e.g. output_9x16.mp4. */
  finalVideoFor(aspectRatio: string, isMaster: boolean) {
    if (isMaster) return this.finalVideo;
    if (!/^\d{1,2}:\d{1,2}$/.test(aspectRatio))
      throw new RangeError(`unsafe aspect ratio for a storage key: ${aspectRatio}`);
    return `${this.prefix}/final/output_${aspectRatio.replace(':', 'x')}.mp4`;
  }
  get poster() {
    return `${this.prefix}/final/poster.jpg`;
  }
  get preview() {
    return `${this.prefix}/final/preview.webp`;
  }
  get captions() {
    return `${this.prefix}/final/captions.vtt`;
  }
}
