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

/**
 * A job's keys. Clips, frames, music and soundtrack are shared by all its revisions (each is
 * stored with the hash of what made it, so a revision reuses or replaces it); the script and the
 * finished outputs of revision n > 0 live under `revisions/r<n>/`, so every revision's outputs stay
 * downloadable.
 */
export class ArtifactKeys {
  readonly prefix: string;
  /** where this revision's script and outputs go */
  private readonly own: string;

  constructor(tenantId: string, jobId: string, revision = 0) {
    this.prefix = `users/${segment(tenantId, 'tenant')}/jobs/${segment(jobId, 'job id')}`;
    if (!Number.isInteger(revision) || revision < 0 || revision > 9999) {
      throw new RangeError(`revision out of range: ${revision}`);
    }
    this.own = revision ? `${this.prefix}/revisions/r${revision}` : this.prefix;
  }

  get script() {
    return `${this.own}/script.json`;
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
  /** Music and voiceover mixed, ducked and levelled: what the final cut copies in as its audio. */
  get soundtrack() {
    return `${this.prefix}/audio/soundtrack.m4a`;
  }

  /** Major statement (issue 17): a part of the soundtrack's bed (WAV), kept for measuring the statement. */
  soundtrackStem(name: 'music' | 'ducked' | 'voice') {
    return `${this.prefix}/audio/stem.${name}.wav`;
  }
  /** Major statement (issue 17): what the soundtrack's stems measured, stored with the soundtrack's hash. */
  get statementAudio() {
    return `${this.prefix}/audio/statement-audio.json`;
  }
  get finalVideo() {
    return `${this.own}/final/output.mp4`;
  }
  /** The master is `final/output.mp4`; every other format `final/output_<w>x<h ratio>.mp4`, e.g. output_9x16.mp4. */
  finalVideoFor(aspectRatio: string, isMaster: boolean) {
    if (isMaster) return this.finalVideo;
    if (!/^\d{1,2}:\d{1,2}$/.test(aspectRatio))
      throw new RangeError(`unsafe aspect ratio for a storage key: ${aspectRatio}`);
    return `${this.own}/final/output_${aspectRatio.replace(':', 'x')}.mp4`;
  }
  /** What the final cut drew (its picture's key and each output's ASS script), for a revision to reuse. */
  get cutManifest() {
    return `${this.own}/final/cut-manifest.json`;
  }
  /** The cut manifest stored beside a revision's master video (`final/output.mp4`). */
  static cutManifestBeside(finalVideoKey: string): string {
    return `${finalVideoKey.slice(0, finalVideoKey.lastIndexOf('/'))}/cut-manifest.json`;
  }
  get poster() {
    return `${this.own}/final/poster.jpg`;
  }
  get preview() {
    return `${this.own}/final/preview.webp`;
  }
  /** An input of a single asset (`image`, `mask`, `video`), uploaded or copied from an earlier output. */
  assetInput(name: 'image' | 'mask' | 'video', ext: 'png' | 'jpg' | 'mp4' | 'gif') {
    return `${this.prefix}/inputs/${name}.${ext}`;
  }
  /** The n-th output of a single asset. */
  assetOutput(n: number, ext: 'png' | 'mp4' | 'gif' | 'jpg') {
    return `${this.prefix}/outputs/asset_${sceneNumber(n)}.${ext}`;
  }
  /** The major statement's compliance report (issue 17), as JSON and as one HTML page. */
  complianceReport(ext: 'json' | 'html') {
    return `${this.prefix}/final/compliance-report.${ext}`;
  }
  get captions() {
    return `${this.own}/final/captions.vtt`;
  }
}
