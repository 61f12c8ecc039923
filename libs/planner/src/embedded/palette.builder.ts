import { type AdBeat } from './ad-beat';
import { type ToneProfile } from './tone.profile';
import { pick, stableHash } from './text';

export interface PaletteInput {
  brandColors?: readonly string[];
  tone: ToneProfile;
  /** What the accent colour is derived from (product or subject), so each product gets its own. */
  accentKey: string;
  seed: number;
  beat: AdBeat;
}

const MAX_COLOURS = 5;

/**
 * 2-5 #RRGGBB colours for a scene: the brand's colours first and never recoloured, then the tone's colours
 * plus a product accent. Problem scenes mute the tone colours and benefit scenes brighten them, so
 * the colour story follows the ad's story without ever recolouring the brand.
 */
export function buildPalette({ brandColors = [], tone, accentKey, seed, beat }: PaletteInput): string[] {
  const [dark, mid, light] = pick(tone.palettes, seed, 'palette');
  const hue = (stableHash(accentKey) + seed * 37) % 360;
  const accent = hslToHex({ h: hue, s: 0.62, l: 0.5 });
  const derived = [dark, mid, accent, light].map((colour) => adjustForBeat(colour, beat));

  const brand = brandColors.slice(0, MAX_COLOURS).map((c) => c.toUpperCase());
  const size = Math.max(4, brand.length);
  const unique = [...new Set([...brand, ...derived])];
  return unique.slice(0, size);
}

function adjustForBeat(hex: string, beat: AdBeat): string {
  const { h, s, l } = hexToHsl(hex);
  if (beat === 'problem') return hslToHex({ h, s: s * 0.45, l: l * 0.72 });
  if (beat === 'benefit') return hslToHex({ h, s: Math.min(1, s * 1.15), l: l + (1 - l) * 0.18 });
  return hex.toUpperCase();
}

interface Hsl {
  h: number;
  s: number;
  l: number;
}

function hexToHsl(hex: string): Hsl {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return { h: 0, s: 0, l };
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  let h: number;
  if (max === r) h = (g - b) / d + (g < b ? 6 : 0);
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return { h: h * 60, s, l };
}

function hslToHex({ h, s, l }: Hsl): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(Math.min(1, Math.max(0, value)) * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`.toUpperCase();
}
