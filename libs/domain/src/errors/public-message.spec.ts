import { publicErrorMessage } from './public-message';

describe('publicErrorMessage', () => {
  it('keeps a message we wrote for people as it is', () => {
    expect(publicErrorMessage('compliance text of 60 words needs 20.0s on screen but the ad is 10s')).toBe(
      'compliance text of 60 words needs 20.0s on screen but the ad is 10s',
    );
  });

  it('drops stderr, argv and paths from a process failure', () => {
    const message =
      'ffmpeg exited with code 1: /tmp/reelsmith-work/abc/scene_0.mp4: Invalid data found\nframe=  1 fps=0\n-i /tmp/x.mp4';
    const shown = publicErrorMessage(message);
    expect(shown).toBe('ffmpeg exited with code 1');
    expect(publicErrorMessage('Command failed: ffmpeg -y -i /srv/data/in.mp4 out.mp4')).toBe('Command failed');
  });

  it('replaces file paths and strips the query (signatures) from URLs', () => {
    const shown = publicErrorMessage(
      'cannot read /home/app/.data/s3/bucket/users/t/jobs/j/clip.mp4 from https://s3.example.com/b/k.mp4?X-Amz-Signature=abc',
    );
    expect(shown).not.toMatch(/home|X-Amz|signature/i);
    expect(shown).toContain('[path]');
    expect(shown).toContain('https://s3.example.com/b/k.mp4');
  });

  it('bounds the length', () => {
    expect(publicErrorMessage('x'.repeat(5000)).length).toBeLessThanOrEqual(500);
  });
});
