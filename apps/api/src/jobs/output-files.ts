import { type StoredOutput } from '@app/domain';

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'text/vtt': 'vtt',
  'application/json': 'json',
  'text/html': 'html',
};

/** The file name an output is saved under (downloads and archives): `video-9x16.mp4`, `poster.jpg`, `captions.vtt`. */
export function outputFileName(output: Pick<StoredOutput, 'type' | 'aspectRatio' | 'contentType'>): string {
  const ext = EXTENSIONS[output.contentType] ?? 'bin';
  const ratio = output.type === 'video' && output.aspectRatio ? `-${output.aspectRatio.replace(':', 'x')}` : '';
  return `${output.type}${ratio}.${ext}`;
}
