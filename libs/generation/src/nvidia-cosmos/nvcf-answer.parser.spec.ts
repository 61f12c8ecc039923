import { Errors } from '@app/domain';
import { percentComplete, readNvcfAnswer, videoOfResult } from './nvcf-answer.parser';

const answer = (status: number, headers: Record<string, string> = {}, body = '') => ({
  status,
  headers: new Headers(headers),
  body: Buffer.from(body),
});
const mp4 = Buffer.from('....ftypisom fake mp4 bytes');

describe(readNvcfAnswer.name, () => {
  it('reads a 202 as pending under its NVCF-REQID, with the function progress when it reports one', () => {
    expect(readNvcfAnswer('p', answer(202, { 'nvcf-reqid': 'r-1', 'nvcf-percent-complete': '40' }), null)).toEqual({
      phase: 'pending',
      requestId: 'r-1',
      progress: 0.4,
    });
    expect(readNvcfAnswer('p', answer(202), 'known')).toEqual({ phase: 'pending', requestId: 'known' });
  });

  it('refuses an accepted invocation it cannot follow as UNCONFIRMED_CREATE', () => {
    expect(() => readNvcfAnswer('p', answer(202), null)).toThrow(
      expect.objectContaining({ code: Errors.providerUnconfirmedCreate.code, retryable: false }),
    );
  });

  it('takes the video from a 200 result, and the archive URL from a redirect', () => {
    const done = readNvcfAnswer(
      'p',
      answer(200, { 'nvcf-reqid': 'r-2' }, JSON.stringify({ b64_video: mp4.toString('base64'), seed: 3 })),
      null,
    );
    expect(done).toEqual({ phase: 'done', requestId: 'r-2', output: { kind: 'inline', video: mp4 } });
    expect(readNvcfAnswer('p', answer(302, { location: 'https://s3.example/r-3.zip' }), 'r-3')).toEqual({
      phase: 'done',
      requestId: 'r-3',
      output: { kind: 'archive', url: 'https://s3.example/r-3.zip' },
    });
  });

  it('calls a result without a video, or not JSON, PROVIDER.BAD_OUTPUT', () => {
    for (const body of ['{"upsampled_prompt":"x"}', '<html>', '{"b64_video":""}'])
      expect(() => readNvcfAnswer('p', answer(200, { 'nvcf-reqid': 'r' }, body), null)).toThrow(
        expect.objectContaining({ code: Errors.providerBadOutput.code }),
      );
    expect(() => readNvcfAnswer('p', answer(302), 'r')).toThrow(
      expect.objectContaining({ code: Errors.providerBadOutput.code }),
    );
  });
});

describe(percentComplete.name, () => {
  it('bounds the reported progress and ignores what is not a number', () => {
    expect(percentComplete(new Headers({ 'nvcf-percent-complete': '150' }))).toBe(1);
    expect(percentComplete(new Headers({ 'nvcf-percent-complete': 'soon' }))).toBeUndefined();
    expect(percentComplete(new Headers())).toBeUndefined();
  });
});

describe(videoOfResult.name, () => {
  it('decodes b64_video only', () => {
    expect(videoOfResult({ b64_video: mp4.toString('base64') })).toEqual(mp4);
    expect(videoOfResult({ video: mp4.toString('base64') })).toBeNull();
    expect(videoOfResult(null)).toBeNull();
  });
});
