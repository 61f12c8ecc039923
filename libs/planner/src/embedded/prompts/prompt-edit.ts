import { type AspectRatio } from '@app/domain';
import { type ToneKind } from '../tone.profile';

export const SCENE_LOOKS = ['night', 'day', 'sunset', 'rain'] as const;
export type SceneLook = (typeof SCENE_LOOKS)[number];

/** A tone an edit can move to; 'neutral' is where a brief starts, not somewhere a person asks to go. */
export type ToneTarget = Exclude<ToneKind, 'neutral'>;

/** A scene as a person names it: 1-based, or the last one whatever its number. */
export type SceneRef = number | 'last';

/** One change a request asks for, parsed once so brief and storyboard apply exactly the same thing. */
export type PromptEdit =
  | { kind: 'look'; look: SceneLook; scenes: SceneRef[] | 'all' }
  | { kind: 'duration'; sec: number }
  | { kind: 'aspect'; ratio: AspectRatio }
  | { kind: 'call-to-action'; text: string }
  | { kind: 'tone'; tone: ToneTarget }
  | { kind: 'remove-scenes'; scenes: SceneRef[] }
  | { kind: 'swap-scenes'; scenes: [SceneRef, SceneRef] }
  | { kind: 'on-screen-text'; scene: SceneRef; text: string }
  | { kind: 'seed'; seed: number };
