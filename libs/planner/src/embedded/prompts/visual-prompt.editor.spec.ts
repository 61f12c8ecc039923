import { ASPECT_RATIOS, briefSchema } from '@app/domain';
import { SAMPLE_BRIEFS } from '../sample-briefs.fixture';
import { TemplatePlanner } from '../template.planner';
import { FRAMING, MOVE_WORDS, promptLine, withCamera, withPromptLine } from './visual-prompt.editor';

const PROMPT =
  'Opening shot: a beach. Mood: calm. Lighting: soft diffused daylight. Camera: slow, gentle push-in, wide 24mm lens. Style: Clean. Framing: widescreen 16:9 frame. No captions, subtitles or overlaid text.';

describe(withPromptLine.name, () => {
  it('replaces only the named line', () => {
    const next = withPromptLine(PROMPT, 'Lighting', 'night-time, moonlit');

    expect(next).toBe(PROMPT.replace('soft diffused daylight', 'night-time, moonlit'));
    expect(promptLine(next, 'Lighting')).toBe('night-time, moonlit');
  });

  it('adds a missing line before the no-text instruction, which stays last', () => {
    const next = withPromptLine(
      'A beach at dawn. No captions, subtitles or overlaid text.',
      'Framing',
      FRAMING['9:16'],
    );

    expect(next).toBe(`A beach at dawn. Framing: ${FRAMING['9:16']}. No captions, subtitles or overlaid text.`);
  });
});

describe(withCamera.name, () => {
  it('rewrites the move and pace of a planned camera line and keeps its lens', () => {
    expect(withCamera(PROMPT, 'tilt-up', 'fast, punchy')).toContain('Camera: fast, punchy tilt up, wide 24mm lens.');
    expect(withCamera(PROMPT, 'static')).toContain('Camera: locked-off static camera, wide 24mm lens.');
  });

  it('leaves a camera line it did not write alone', () => {
    const prompt = 'A beach. Camera: drone sweeping low over the waves.';

    expect(withCamera(prompt, 'static')).toBe(prompt);
  });
});

describe('planner wording', () => {
  it('matches what TemplatePlanner writes for every frame and move, so edited prompts read like planned ones', async () => {
    const planner = new TemplatePlanner();
    const seen = new Set<string>();
    for (const aspectRatio of ASPECT_RATIOS) {
      for (let seed = 0; seed < 12; seed++) {
        for (const input of Object.values(SAMPLE_BRIEFS)) {
          const storyboard = await planner.plan(briefSchema.parse({ ...input, aspectRatio, seed }));
          for (const scene of storyboard.scenes) {
            expect(promptLine(scene.visualPrompt, 'Framing')).toBe(FRAMING[aspectRatio]);
            expect(scene.visualPrompt).toContain(MOVE_WORDS[scene.cameraMove]);
            seen.add(scene.cameraMove);
          }
        }
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });
});
