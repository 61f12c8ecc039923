import { briefSchema } from './brief.schema';
import { applyRevision, planRevision, revisionRemake, sceneSeed, scenePixelKey } from './revision';
import { type JobSchedule, planSchedule } from './schedule';
import { type Storyboard } from './storyboard.schema';
import { checkMajorStatement, complianceText, majorStatementSec, withMajorStatement } from './major-statement';
import { type TransitionIn } from './vocabulary';

const board = (transitions: TransitionIn[]): Storyboard => ({
  title: 'Ad',
  aspectRatio: '16:9',
  durationSec: transitions.length * 3,
  scenes: transitions.map((transitionIn, index) => ({
    index,
    beat: 'beat',
    durationSec: 3,
    visualPrompt: `shot ${index}`,
    cameraMove: 'static',
    onScreenText: `text ${index}`,
    narration: `line ${index}`,
    transitionIn,
    palette: ['#000000', '#ffffff'],
  })),
  music: { mood: 'calm', enabled: true },
  endCard: { headline: 'Ad', callToAction: 'Buy now', durationSec: 2 },
  compliance: null,
});

const chained = (b: Storyboard): JobSchedule =>
  planSchedule(b.scenes, () => ({ profile: 'video_default', firstAndLastFrame: false }), true);
const anchored = (b: Storyboard): JobSchedule =>
  planSchedule(b.scenes, () => ({ profile: 'video_kling', firstAndLastFrame: true }), true);

function revise(
  before: Storyboard,
  edit: (s: Storyboard) => void,
  schedule: (b: Storyboard) => JobSchedule = chained,
  seeds: [number, number] = [7, 7],
) {
  const after = structuredClone(before);
  edit(after);
  return planRevision(
    { storyboard: before, schedule: schedule(before), briefSeed: seeds[0] },
    { storyboard: after, schedule: schedule(after), briefSeed: seeds[1] },
  );
}
const indexes = (plan: ReturnType<typeof planRevision>) => plan.regenerate.map((r) => r.index);

describe(planRevision.name, () => {
  const chain4 = board(['cut', 'continuous', 'continuous', 'continuous']);

  it('makes nothing again when only on-screen text, narration or the end card change', () => {
    const plan = revise(chain4, (s) => {
      s.scenes[1].onScreenText = 'New caption';
      s.scenes[2].narration = 'New line';
      s.endCard.callToAction = 'Ask your doctor';
      s.compliance = { text: 'May cause drowsiness.' };
    });
    expect(plan.regenerate).toEqual([]);
    expect(plan.changes).toEqual([
      { field: 'scenes[1].onScreenText', scene: 1 },
      { field: 'scenes[2].narration', scene: 2 },
      { field: 'endCard.callToAction', scene: null },
      { field: 'compliance', scene: null },
    ]);
  });

  it('makes again a changed scene of a chained chain and every scene seeded after it', () => {
    const plan = revise(chain4, (s) => (s.scenes[1].visualPrompt = 'a different shot'));
    expect(plan.regenerate).toEqual([
      { index: 1, reason: 'changed' },
      { index: 2, reason: 'new-seed-frame' },
      { index: 3, reason: 'new-seed-frame' },
    ]);
  });

  it('makes again only the changed anchored scene: it stays between the keyframes it was made with', () => {
    const plan = revise(chain4, (s) => (s.scenes[2].visualPrompt = 'a different shot'), anchored);
    expect(indexes(plan)).toEqual([2]);
  });

  it('makes again only the scene whose seed changed, when nothing is seeded from it', () => {
    expect(indexes(revise(chain4, (s) => (s.scenes[1].seed = 99), anchored))).toEqual([1]);
    expect(indexes(revise(board(['cut', 'cut', 'cut']), (s) => (s.scenes[1].seed = 99)))).toEqual([1]);
    expect(indexes(revise(chain4, (s) => (s.scenes[3].seed = 99)))).toEqual([3]);
  });

  it('makes again both anchored scenes at a boundary that appears or disappears', () => {
    const plan = revise(chain4, (s) => (s.scenes[2].transitionIn = 'cut'), anchored);
    expect(plan.regenerate).toEqual([
      { index: 1, reason: 'new-keyframe' },
      // it no longer starts on a keyframe at all: its first frame is new either way
      { index: 2, reason: 'new-seed-frame' },
    ]);
  });

  it('counts a clip whose length changes (a blend into the next scene adds a tail) as changed', () => {
    const cuts = board(['cut', 'cut', 'cut']);
    const plan = revise(cuts, (s) => (s.scenes[2].transitionIn = 'crossfade'));
    expect(plan.regenerate).toEqual([{ index: 1, reason: 'changed' }]);
  });

  it('makes every scene again when the brief seed changes, and none when a scene pins the seed it had', () => {
    expect(indexes(revise(board(['cut', 'cut']), () => undefined, chained, [1, 2]))).toEqual([0, 1]);
    const pinned = revise(
      board(['cut', 'cut']),
      (s) => s.scenes.forEach((scene) => (scene.seed = sceneSeed(scene, 1))),
      chained,
      [1, 2],
    );
    expect(pinned.regenerate).toEqual([]);
  });
});

describe(scenePixelKey.name, () => {
  it('leaves out what is drawn or spoken over the clip', () => {
    const a = board(['cut', 'cut']);
    const b = structuredClone(a);
    b.scenes[0].onScreenText = 'other';
    b.scenes[0].narration = 'other';
    expect(scenePixelKey(b.scenes, 0, 0, 'p')).toEqual(scenePixelKey(a.scenes, 0, 0, 'p'));
    expect(scenePixelKey(a.scenes, 0, 0, 'q')).not.toEqual(scenePixelKey(a.scenes, 0, 0, 'p'));
  });
});

describe(applyRevision.name, () => {
  // no voiceover: the compliance text is shown as a slate, with no statement to lay out
  const brief = briefSchema.parse({
    brief: 'An allergy relief ad.',
    callToAction: 'Buy now',
    durationSec: 6,
    voiceover: { enabled: false },
  });

  it('patches scene fields and carries the call to action and compliance into the storyboard', () => {
    const current = { storyboard: board(['cut', 'cut']), brief };
    const { storyboard, brief: next } = applyRevision(
      current,
      {
        scenes: [{ index: 1, onScreenText: 'Fast relief', seed: 42 }],
        brief: { callToAction: 'Ask your pharmacist', compliance: { disclaimer: 'Read the label.' } },
      },
      complianceText,
    );
    expect(storyboard.scenes[1]).toMatchObject({ onScreenText: 'Fast relief', seed: 42, visualPrompt: 'shot 1' });
    expect(storyboard.endCard.callToAction).toBe('Ask your pharmacist');
    expect(storyboard.compliance?.text).toContain('Read the label.');
    expect(next.callToAction).toBe('Ask your pharmacist');
    // the job's own storyboard is left as it was
    expect(current.storyboard.scenes[1].onScreenText).toBe('text 1');
  });
  describe('with a major statement (issue 17)', () => {
    const pharma = briefSchema.parse({
      brief: 'An allergy relief ad.',
      durationSec: 30,
      voiceover: { enabled: true },
      compliance: { sideEffects: ['headache', 'dry mouth'], dosage: 'One 10 mg tablet daily.' },
    });
    // the planners lay the statement into a story that leaves it its time: 3 s scenes, the last one longer
    const laid = () => {
      const bodySec = 30 - majorStatementSec(pharma);
      const story = board(Array<TransitionIn>(Math.floor(bodySec / 3)).fill('cut'));
      story.durationSec = 30;
      story.scenes.at(-1)!.durationSec += bodySec % 3;
      return withMajorStatement(story, pharma);
    };

    it('keeps the statement when the compliance text changes: re-timed in its window, no scene made again', () => {
      const before = laid();
      expect(checkMajorStatement(before, pharma)).toEqual([]);
      const { storyboard, brief: next } = applyRevision(
        { storyboard: before, brief: pharma },
        { brief: { compliance: { sideEffects: ['headache'], dosage: 'One 10 mg tablet daily.' } } },
        complianceText,
      );
      const statement = storyboard.compliance?.statement;
      expect(statement).toMatchObject({
        startSec: before.compliance!.statement!.startSec,
        endSec: before.compliance!.statement!.endSec,
      });
      expect(statement!.lines.map((l) => l.text).join(' ')).toBe(complianceText(next));
      expect(checkMajorStatement(storyboard, next)).toEqual([]);
      expect(storyboard.scenes).toEqual(before.scenes);
    });

    it('lays the statement out again, longer, when the new text needs more time than its window', () => {
      const before = laid();
      const longer = {
        sideEffects: ['headache', 'dry mouth', 'drowsiness in rare cases'],
        dosage: 'One 10 mg tablet daily. Do not exceed 10 mg in 24 hours.',
      };
      const { storyboard, brief: next } = applyRevision(
        { storyboard: before, brief: pharma },
        { brief: { compliance: longer } },
        complianceText,
      );
      const statement = storyboard.compliance!.statement!;
      expect(statement.endSec - statement.startSec).toBeGreaterThan(
        before.compliance!.statement!.endSec - before.compliance!.statement!.startSec,
      );
      expect(checkMajorStatement(storyboard, next)).toEqual([]);
      expect(storyboard.scenes.reduce((sum, sc) => sum + sc.durationSec, 0)).toBe(30);
    });
  });
});

describe(revisionRemake.name, () => {
  const audio = { musicEnabled: true, musicChanged: false, soundtrackChanged: false };

  it('recomposes only when no scene, music or voice changes after a completed render', () => {
    expect(revisionRemake({ regenerate: [] }, audio, 'completed')).toEqual({
      scenes: false,
      music: false,
      soundtrack: false,
    });
  });

  it('mixes the soundtrack again when the voice changes, and makes the music under it when its mood does', () => {
    expect(revisionRemake({ regenerate: [] }, { ...audio, soundtrackChanged: true }, 'completed')).toEqual({
      scenes: false,
      music: false,
      soundtrack: true,
    });
    expect(revisionRemake({ regenerate: [] }, { ...audio, musicChanged: true }, 'completed')).toEqual({
      scenes: false,
      music: true,
      soundtrack: true,
    });
  });

  it('runs the scene steps when a scene is made again, and every step after a failed revision', () => {
    expect(revisionRemake({ regenerate: [{ index: 1, reason: 'changed' }] }, audio, 'completed').scenes).toBe(true);
    expect(revisionRemake({ regenerate: [] }, audio, 'failed')).toEqual({
      scenes: true,
      music: true,
      soundtrack: true,
    });
  });
});
