import { type SceneLook } from './prompt-edit';

export interface SceneLookProfile {
  lighting: string;
  /** How the change reads in a sentence: 'set at night'. */
  phrase: string;
  /** The colour the palette is pulled toward, and how far (0-1). */
  tint: string;
  amount: number;
  paletteWord: string;
}

export const SCENE_LOOK_PROFILES: Record<SceneLook, SceneLookProfile> = {
  night: {
    lighting: 'night-time, cool moonlight and warm practical lights with deep shadows',
    phrase: 'at night',
    tint: '#0B1230',
    amount: 0.55,
    paletteWord: 'darkened',
  },
  day: {
    lighting: 'bright natural daylight, clear and airy',
    phrase: 'in daylight',
    tint: '#FFF6E0',
    amount: 0.3,
    paletteWord: 'brightened',
  },
  sunset: {
    lighting: 'golden-hour sunset light with long warm shadows',
    phrase: 'at sunset',
    tint: '#FF8A3D',
    amount: 0.35,
    paletteWord: 'warmed',
  },
  rain: {
    lighting: 'soft overcast light, falling rain and wet reflective surfaces',
    phrase: 'in the rain',
    tint: '#5E6B78',
    amount: 0.4,
    paletteWord: 'cooled and muted',
  },
};

/**
 * The palette shaded toward the look's tint. Brand colours are never recoloured (the same rule the
 * planner's palette builder keeps), so a palette of brand colours only comes back unchanged.
 */
export function shadePalette(palette: readonly string[], look: SceneLook, brandColours: ReadonlySet<string>): string[] {
  const { tint, amount } = SCENE_LOOK_PROFILES[look];
  return palette.map((colour) => (brandColours.has(colour.toUpperCase()) ? colour : mix(colour, tint, amount)));
}

function mix(colour: string, toward: string, amount: number): string {
  const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const [from, to] = [channels(colour), channels(toward)];
  const mixed = from.map((c, i) => Math.round(c + (to[i] - c) * amount));
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`.toUpperCase();
}
