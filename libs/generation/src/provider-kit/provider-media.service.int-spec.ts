import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errors } from '@app/domain';
import { FfmpegRunner } from '@app/media';
import { ProviderMedia } from './provider-media.service';

describe(ProviderMedia.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provider-media-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses an HLS playlist handed over instead of an MP4, before ffmpeg follows it anywhere', async () => {
    const playlist = join(dir, 'clip.mp4');
    await writeFile(
      playlist,
      '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nhttp://169.254.169.254/latest/seg0.ts\n#EXT-X-ENDLIST\n',
    );
    const media = new ProviderMedia(
      new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } }),
      'p',
    );
    await expect(media.probe(playlist, 'video')).rejects.toMatchObject({
      code: Errors.providerBadOutput.code,
      message: expect.stringContaining('playlist'),
    });
  });
});
