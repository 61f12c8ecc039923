import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AspectRatio, briefSchema, majorStatementMinDurationSec, outputSpecFor } from '@app/domain';
import { statementBlockLayout } from '@app/media';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';

const allergy = JSON.parse(
  readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', 'allergy-30s.json'), 'utf8'),
);

/** Seconds of a WebVTT timestamp. */
const seconds = (t: string) => t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

interface StatementLine {
  text: string;
  textStartSec: number;
  textEndSec: number;
}

describe('pharma major statement: spoken and shown, measured and reported', () => {
  let stack: BuiltStack;
  let client: Client;
  let work: string;

  beforeAll(async () => {
    stack = await startBuiltStack();
    client = new Client(stack.baseUrl, KEY_A);
    work = mkdtempSync(join(tmpdir(), 'reelsmith-pharma-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a statement too long to speak and show in the ad, naming the minimum duration', async () => {
    const min = majorStatementMinDurationSec(briefSchema.parse(allergy))!;
    const { status, body } = await client.submit({ ...allergy, durationSec: min - 1 });
    expect(status).toBe(400);
    expect(body.error.problems).toEqual([
      expect.objectContaining({ field: 'durationSec', reason: expect.stringContaining(`minimum duration is ${min}s`) }),
    ]);
  });

  it('speaks and shows the allergy statement line by line in 16:9, 9:16 and 1:1, and reports all five standards pass', async () => {
    // The shortest allergy ad that fits its statement, plus a jargon statement in one small format beside it.
    const durationSec = majorStatementMinDurationSec(briefSchema.parse(allergy))!;
    const jargonBrief = {
      ...allergy,
      aspectRatios: undefined,
      music: { enabled: false },
      compliance: { sideEffects: ['somnolence', 'xerostomia'], dosage: 'Contraindicated in hepatic impairment.' },
    };
    jargonBrief.durationSec = majorStatementMinDurationSec(briefSchema.parse(jargonBrief))!;
    // A text watermark too: no other text may show while the statement does (standard 5).
    const submitted = await client.submit({
      ...allergy,
      durationSec,
      aspectRatios: ['16:9', '9:16', '1:1'],
      watermark: { text: 'CLARIVO DEMO', position: 'top-right', opacity: 1 },
    });
    const jargonSubmitted = await client.submit(jargonBrief);
    expect([submitted.status, jargonSubmitted.status]).toEqual([202, 202]);

    const job = await client.waitFor(submitted.body.id, (j) => ['completed', 'failed'].includes(j.status), 600_000);
    expect(job.error).toBeNull();
    const report = (job as unknown as { compliance: any }).compliance; // eslint-disable-line @typescript-eslint/no-explicit-any
    const standard = (id: string) => report.standards.find((s: { id: string }) => s.id === id);
    expect(report.standards.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ['consumer-friendly-language', 'pass'],
      ['audio-understandable', 'pass'],
      ['dual-modality', 'pass'],
      ['readable-text', 'pass'],
      ['no-distraction', 'pass'],
    ]);
    expect(report.status).toBe('pass');

    // The report as outputs: JSON equal to the job view's, and a one-page HTML.
    const reports = job.outputs.filter((o) => o.type === 'compliance-report');
    expect(reports.map((o) => o.contentType).sort()).toEqual(['application/json', 'text/html']);
    const json = await (await fetch(reports.find((o) => o.contentType === 'application/json')!.url)).json();
    expect(json).toEqual(report);
    const html = await (await fetch(reports.find((o) => o.contentType === 'text/html')!.url)).text();
    expect(html).toContain('Major statement compliance report');

    // Audio: said no faster than the rest, music ducked 12 dB or more, loudness within 2 LU (ebur128 on the stems).
    const audio = standard('audio-understandable').values;
    expect(audio.statementWordsPerSec).toBeLessThanOrEqual(audio.otherWordsPerSec);
    expect(audio.duckingDb).toBeGreaterThanOrEqual(12);
    expect(Math.abs(audio.loudnessDiffLu)).toBeLessThanOrEqual(2);
    // Nothing that distracts: no cut or blend inside the window, a held camera, the watermark text hidden.
    expect(standard('no-distraction').values).toMatchObject({
      cutsInWindow: 0,
      blendsInWindow: 0,
      otherTextInWindow: 0,
      watermarkTextInWindow: false,
    });

    // Captions carry each spoken line over exactly its window.
    const lines: StatementLine[] = standard('dual-modality').values.lines;
    expect(words(lines.map((l) => l.text).join(' '))).toBe(words(report.statement));
    const vtt = await (await fetch(job.outputs.find((o) => o.type === 'captions')!.url)).text();
    const cues = vtt
      .split(/\n\n/)
      .filter((b) => b.includes('-->'))
      .map((b) => {
        const [times, ...text] = b.split('\n');
        const [start, end] = times.split('-->').map((t) => seconds(t.trim()));
        return { start, end, text: text.join(' ') };
      });
    for (const line of lines) {
      expect(cues).toContainEqual({
        start: expect.closeTo(line.textStartSec, 2),
        end: expect.closeTo(line.textEndSec, 2),
        text: line.text,
      });
    }

    // Every format: thresholds met as measured on its frames, and OCR reads every side effect and the dosage.
    const videos = job.outputs.filter((o) => o.type === 'video');
    expect(videos.map((v) => v.aspectRatio)).toEqual(['16:9', '9:16', '1:1']);
    const formats = standard('readable-text').values.formats;
    for (const video of videos) {
      const ratio = video.aspectRatio as AspectRatio;
      const measured = formats.find((f: { aspectRatio: string }) => f.aspectRatio === ratio);
      expect(measured.minContrastRatio).toBeGreaterThanOrEqual(4.5);
      expect(measured.capHeightPct).toBeGreaterThanOrEqual(3.5);
      expect(measured.insideTitleSafe).toBe(true);

      const spec = outputSpecFor(ratio);
      const path = await download(video.url, work, `pharma_${ratio.replace(':', 'x')}.mp4`);
      const read: string[] = [];
      for (const [i, line] of lines.entries()) {
        const { plate } = statementBlockLayout(spec, line.text);
        const png = join(work, `ocr_${ratio.replace(':', 'x')}_${i}.png`);
        await ffmpeg.run({
          inputs: [{ path, options: ['-ss', String((line.textStartSec + line.textEndSec) / 2)] }],
          outputs: [
            {
              path: png,
              options: [
                '-frames:v',
                '1',
                '-vf',
                `crop=${plate.width}:${plate.height}:${plate.x}:${plate.y},negate`,
                '-y',
              ],
            },
          ],
        });
        read.push(execFileSync('tesseract', [png, '-', '--psm', '6'], { encoding: 'utf8' }));
      }
      const ocr = words(read.join(' '));
      for (const item of [...allergy.compliance.sideEffects, allergy.compliance.dosage]) {
        expect({ ratio, ocr }).toEqual({ ratio, ocr: expect.stringContaining(words(item)) });
      }
    }

    // The jargon statement: its hard terms listed for the team to rephrase, the text itself verbatim.
    const jargon = await client.waitFor(
      jargonSubmitted.body.id,
      (j) => ['completed', 'failed'].includes(j.status),
      600_000,
    );
    expect(jargon.error).toBeNull();
    const language = (jargon as unknown as { compliance: any }).compliance.standards[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(language.status).toBe('needs-review');
    expect(language.values.hardTerms).toEqual(expect.arrayContaining(['somnolence', 'xerostomia', 'Contraindicated']));
    expect(language.values.fleschKincaidGrade).toBeGreaterThan(8);
  }, 900_000);
});
