import { storyboardSchema, validateWith } from '@app/domain';
import { hexColour, repairStoryboardAnswer, repairStoryboardsIn } from './storyboard-answer.repair';

const scene = (extra: object = {}) => ({
  index: 0,
  beat: 'hook',
  durationSec: 6,
  visualPrompt: 'Warm bread on a counter',
  cameraMove: 'static',
  onScreenText: 'Fresh daily',
  transitionIn: 'cut',
  palette: ['#112233', '#445566'],
  ...extra,
});
const answer = (sceneExtra: object = {}, extra: object = {}) => ({
  title: 'Corner bakery',
  aspectRatio: '16:9',
  durationSec: 6,
  scenes: [scene(sceneExtra)],
  music: { mood: 'warm', enabled: true },
  endCard: { headline: 'Corner bakery', callToAction: 'Visit today', durationSec: 2 },
  compliance: null,
  ...extra,
});

function repaired(raw: unknown) {
  const result = validateWith(storyboardSchema, repairStoryboardAnswer(raw));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('repairStoryboardAnswer', () => {
  it('rewrites colours written another way as #rrggbb and tops up a palette left too short', () => {
    expect(
      repaired(answer({ palette: ['#ABC', 'ff8800', 'rgb(0, 128, 255)', 'warm brown'] })).scenes[0].palette,
    ).toEqual(['#aabbcc', '#ff8800', '#0080ff']);
    expect(repaired(answer({ palette: ['golden', 'sunset'] })).scenes[0].palette).toHaveLength(2);
    expect(hexColour('rgb(300, 0, 0)')).toBeNull();
  });

  it('maps an unknown camera move to its nearest named move, or static, and an unknown transition to a cut', () => {
    expect(repaired(answer({ cameraMove: 'Zoom In' })).scenes[0].cameraMove).toBe('push-in');
    expect(repaired(answer({ cameraMove: 'dolly_out' })).scenes[0].cameraMove).toBe('pull-out');
    expect(repaired(answer({ cameraMove: 'barrel roll' })).scenes[0].cameraMove).toBe('static');
    expect(repaired(answer({ transitionIn: 'star wipe' })).scenes[0].transitionIn).toBe('cut');
  });

  it('drops invented fields and optional fields that break their rule', () => {
    const value = repaired(
      answer({ lens: '35mm', transitionSec: 9, narration: 'x'.repeat(400) }, { director: 'AI', mood: 'sunny' }),
    );
    expect(value.scenes[0]).not.toHaveProperty('lens');
    expect(value.scenes[0]).not.toHaveProperty('transitionSec');
    expect(value.scenes[0]).not.toHaveProperty('narration');
    expect(value).not.toHaveProperty('director');
  });

  it('leaves an answer with no usable storyboard for the schema to refuse', () => {
    expect(validateWith(storyboardSchema, repairStoryboardAnswer({ scenes: 'none' })).ok).toBe(false);
    expect(repairStoryboardAnswer('not json object')).toBe('not json object');
  });

  it('repairs storyboards inside prompt-tool answers', () => {
    const out = repairStoryboardsIn({ items: [{ label: 'a', storyboard: answer({ cameraMove: 'zoom-out' }) }] }) as {
      items: Array<{ storyboard: { scenes: Array<{ cameraMove: string }> } }>;
    };
    expect(out.items[0].storyboard.scenes[0].cameraMove).toBe('pull-out');
  });
});
