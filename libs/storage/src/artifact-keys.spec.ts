import { ArtifactKeys } from './artifact-keys';

describe(ArtifactKeys.name, () => {
  it('lays out a job under its tenant', () => {
    const keys = new ArtifactKeys('teamA', '01JABCDEFGHJKMNPQRSTVWXYZ0');
    expect(keys.script).toBe('users/teamA/jobs/01JABCDEFGHJKMNPQRSTVWXYZ0/script.json');
    expect(keys.clip(2)).toBe('users/teamA/jobs/01JABCDEFGHJKMNPQRSTVWXYZ0/clips/scene_2.mp4');
    expect(keys.lastFrame(0)).toBe('users/teamA/jobs/01JABCDEFGHJKMNPQRSTVWXYZ0/frames/scene_0_last.png');
    expect(keys.firstFrame(2)).toBe('users/teamA/jobs/01JABCDEFGHJKMNPQRSTVWXYZ0/frames/scene_2_first.png');
    expect(keys.keyframe(3)).toBe('users/teamA/jobs/01JABCDEFGHJKMNPQRSTVWXYZ0/frames/keyframe_3.png');
    expect(keys.music).toMatch(/audio\/music\.m4a$/);
    expect(keys.finalVideo).toMatch(/final\/output\.mp4$/);
    expect(keys.poster).toMatch(/final\/poster\.jpg$/);
    expect(keys.finalVideoFor('16:9', true)).toBe(keys.finalVideo);
    expect(keys.finalVideoFor('9:16', false)).toMatch(/final\/output_9x16\.mp4$/);
    expect(keys.preview).toMatch(/final\/preview\.webp$/);
    expect(keys.captions).toMatch(/final\/captions\.vtt$/);
    expect(() => keys.finalVideoFor('../x', false)).toThrow(RangeError);
  });

  it.each(['..', '../other', 'a/b', '', 'x'.repeat(65), 'team A'])('rejects the unsafe segment %j', (bad) => {
    expect(() => new ArtifactKeys(bad, 'job')).toThrow(RangeError);
    expect(() => new ArtifactKeys('team', bad)).toThrow(RangeError);
  });

  it('rejects scene indexes that are not small whole numbers', () => {
    const keys = new ArtifactKeys('t', 'j');
    expect(() => keys.clip(-1)).toThrow(RangeError);
    expect(() => keys.clip(1.5)).toThrow(RangeError);
  });
});
