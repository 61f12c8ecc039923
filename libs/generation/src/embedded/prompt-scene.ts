import { createHash } from 'node:crypto';
import { type StoryboardScene } from '@app/domain';

/** Palettes the embedded painter picks from for a bare prompt (no brief, no brand colours). */
const PALETTES: readonly string[][] = [
  ['#1B263B', '#415A77', '#E0E1DD', '#F4A261'],
  ['#2A9D8F', '#E9C46A', '#F4A261', '#264653'],
  ['#0B132B', '#3A506B', '#5BC0BE', '#FFFFFF'],
  ['#6D597A', '#B56576', '#E56B6F', '#EAAC8B'],
  ['#003049', '#D62828', '#F77F00', '#FCBF49'],
  ['#283618', '#606C38', '#FEFAE0', '#DDA15E'],
];

/**
 * A one-scene storyboard for a single asset's prompt, so the embedded animatic can paint it (and a
 * provider adapter that takes scenes can make it): the palette and camera follow from the prompt.
 */
export function sceneForPrompt(prompt: string, durationSec: number): StoryboardScene {
  const digest = createHash('sha256').update(prompt).digest();
  return {
    index: 0,
    beat: 'asset',
    durationSec: Math.max(1, Math.ceil(durationSec)),
    visualPrompt: prompt,
    cameraMove: digest[1] % 2 ? 'push-in' : 'pan-right',
    onScreenText: '',
    transitionIn: 'cut',
    palette: PALETTES[digest[0] % PALETTES.length],
  };
}
