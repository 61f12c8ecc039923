import { briefSchema } from './brief.schema';
import { buildComplianceReport, complianceReportHtml, type StatementMeasurements } from './compliance-report';
import { majorStatementSec, STATEMENT_BEAT, withMajorStatement } from './major-statement';
import { type Storyboard } from './storyboard.schema';

const brief = briefSchema.parse({
  brief: 'A TV spot for Clarivo, a once-daily allergy tablet.',
  durationSec: 20,
  compliance: { sideEffects: ['headache'], dosage: 'One tablet daily.' },
});
const sec = majorStatementSec(brief);
const story: Storyboard = {
  title: 'Clarivo',
  aspectRatio: '16:9',
  durationSec: 20,
  scenes: [0, 1].map((index) => ({
    index,
    beat: index ? 'end-card' : 'hook',
    durationSec: index ? 4 : 16 - sec,
    visualPrompt: 'A picnic.',
    cameraMove: 'static' as const,
    onScreenText: '',
    transitionIn: 'cut' as const,
    ...(index === 0 ? { narration: 'Achoo? Meet Clarivo.' } : {}),
    palette: ['#000000', '#FFFFFF'],
  })),
  music: { mood: 'calm', enabled: true },
  endCard: { headline: 'Clarivo', callToAction: '', durationSec: 3 },
  compliance: { text: 'x' },
};
const storyboard = withMajorStatement(story, brief);
const plan = storyboard.compliance!.statement!;

const measured = (over: Partial<StatementMeasurements> = {}): StatementMeasurements => ({
  window: { startSec: plan.startSec, endSec: plan.endSec },
  lines: plan.lines.map((l) => ({
    text: l.text,
    textStartSec: l.startSec,
    textEndSec: l.endSec,
    audioStartSec: l.startSec + 0.05,
    audioEndSec: l.endSec - 0.5,
  })),
  statementWordsPerSec: 1.9,
  otherWordsPerSec: 2.3,
  duckingDb: 17,
  statementLoudnessLufs: -20.1,
  otherNarrationLoudnessLufs: -19.5,
  formats: [
    {
      aspectRatio: '16:9',
      width: 1280,
      height: 720,
      contrastRatios: [17.9],
      minContrastRatio: 17.9,
      capHeightPx: 28,
      capHeightPct: 3.89,
      insideTitleSafe: true,
      blocksAtOnce: 1,
    },
  ],
  ...over,
});
const captions = `WEBVTT\n\n${plan.lines.map((l) => `00:00:00.000 --> 00:00:01.000\n${l.text}`).join('\n\n')}\n`;

describe(buildComplianceReport.name, () => {
  it('passes all five standards on measurements that meet them', () => {
    const report = buildComplianceReport({ brief, storyboard, plan, measured: measured(), captions })!;

    expect(report.standards.map((s) => [s.id, s.status, s.findings])).toEqual([
      ['consumer-friendly-language', 'pass', []],
      ['audio-understandable', 'pass', []],
      ['dual-modality', 'pass', []],
      ['readable-text', 'pass', []],
      ['no-distraction', 'pass', []],
    ]);
    expect(report.status).toBe('pass');
    expect(report.standards[1].values).toMatchObject({ duckingDb: 17, loudnessDiffLu: -0.6 });
  });

  it('asks for review, saying why, where a measurement misses its threshold', () => {
    const bad = measured({
      statementWordsPerSec: 2.6,
      duckingDb: 8,
      statementLoudnessLufs: -24,
      formats: [{ ...measured().formats[0], minContrastRatio: 3.1, capHeightPct: 2.9 }],
    });
    bad.lines[0].audioEndSec = bad.lines[0].textEndSec;
    const moving = {
      ...storyboard,
      scenes: storyboard.scenes.map((s) => (s.beat === STATEMENT_BEAT ? { ...s, cameraMove: 'pan-left' as const } : s)),
    };
    const report = buildComplianceReport({ brief, storyboard: moving, plan, measured: bad, captions: 'WEBVTT\n' })!;

    expect(report.status).toBe('needs-review');
    expect(report.standards.map((s) => s.status)).toEqual([
      'pass',
      'needs-review',
      'needs-review',
      'needs-review',
      'needs-review',
    ]);
    expect(report.standards[1].findings).toHaveLength(3);
    expect(report.standards[2].findings).toEqual(
      expect.arrayContaining([expect.stringContaining('cut at the end'), 'the captions do not carry every line']),
    );
    expect(report.standards[3].findings).toEqual(['16:9: contrast 3.1:1', '16:9: cap height 2.9%']);
    expect(report.standards[4].findings).toEqual(['camera moves under the statement: pan-left']);
  });

  it('records the text watermark hidden during the statement, and asks for review when it shows inside', () => {
    const hidden = [
      { startSec: 0, endSec: plan.startSec },
      { startSec: plan.endSec, endSec: storyboard.durationSec },
    ];
    const ok = buildComplianceReport({
      brief,
      storyboard,
      plan,
      measured: measured(),
      captions,
      watermarkTextSpans: hidden,
    })!;
    expect(ok.standards[4]).toMatchObject({ status: 'pass', values: { watermarkTextInWindow: false } });

    const shown = [{ startSec: 0, endSec: storyboard.durationSec }];
    const bad = buildComplianceReport({
      brief,
      storyboard,
      plan,
      measured: measured(),
      captions,
      watermarkTextSpans: shown,
    })!;
    expect(bad.standards[4]).toMatchObject({
      status: 'needs-review',
      findings: ['the watermark text shows during the statement'],
      values: { watermarkTextInWindow: true },
    });

    const none = buildComplianceReport({ brief, storyboard, plan, measured: measured(), captions })!;
    expect(none.standards[4].values).toMatchObject({ watermarkTextInWindow: null });
  });

  it('needs review for the audio standards when the statement is only shown, and is null without compliance', () => {
    const report = buildComplianceReport({ brief, storyboard: story, plan: null, measured: null, captions })!;

    expect(report.standards.map((s) => s.status)).toEqual([
      'pass',
      'needs-review',
      'needs-review',
      'needs-review',
      'needs-review',
    ]);
    expect(
      buildComplianceReport({ brief: { ...brief, compliance: undefined }, storyboard, plan, measured: null, captions }),
    ).toBeNull();
  });

  it('renders one self-contained HTML page with every standard and its values, escaped', () => {
    const report = buildComplianceReport({ brief, storyboard, plan, measured: measured(), captions })!;
    const html = complianceReportHtml({ ...report, statement: '<b>x</b>' }, 'job-1');

    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toMatch(/<script|https?:\/\//);
    for (const s of report.standards) expect(html).toContain(s.title);
  });
});
