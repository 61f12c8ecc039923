import { type CameraMove, type TransitionIn } from '@app/domain';
import { type AdBeat } from './ad-beat';

export const TONE_KINDS = ['calm', 'hopeful', 'elegant', 'energetic', 'playful', 'neutral'] as const;
export type ToneKind = (typeof TONE_KINDS)[number];

/**
 * How a tone edits between beats. Scenes inside a beat are always continuous, and a join the brief
 * asks for ('hard cut to', 'dissolve') is the brief's, so a style only decides the beat changes left.
 */
export interface TransitionStyle {
  /** Into a new beat, unless one of the rules below says otherwise. */
  beat: TransitionIn;
  /** Into particular beats: where the story turns (the reveal, the hand-over to the end card). */
  into: Partial<Record<AdBeat, TransitionIn>>;
  /**
   * Moves the seed places at beat changes: at one or two of them (the seed picks which), or at all.
   * Which changes and which move vary with the seed; that there are moves, and which kinds, do not.
   */
  accents: { moves: readonly TransitionIn[]; at: 'one-or-two' | 'all' } | null;
  /** Length of a blend before it is fitted to the scenes on either side. */
  blendSec: number;
}

/** How a tone shoots: the editing, camera, light and colour choices the template makes for it. */
export interface ToneProfile {
  kind: ToneKind;
  transitions: TransitionStyle;
  musicMood: string;
  /** The mood line of prompts when the brief names no tone of its own. */
  mood: string;
  /** How camera moves are described to the video model: the move list has no speed. */
  pace: string;
  lighting: string;
  style: string;
  /** Candidate moves per beat; the seed picks one, so every candidate must suit the tone. */
  moves: Record<AdBeat, readonly CameraMove[]>;
  /** Colour variants the seed picks from, three colours from dark to light; a product accent makes a fourth. */
  palettes: ReadonlyArray<readonly [string, string, string]>;
}

const GENTLE_MOVES: Record<AdBeat, readonly CameraMove[]> = {
  hook: ['push-in', 'pan-right', 'pull-out'],
  problem: ['static', 'pan-left', 'push-in'],
  product: ['push-in', 'static'],
  benefit: ['pull-out', 'pan-right', 'tilt-up'],
  'end-card': ['static', 'push-in'],
};

const LIVELY_MOVES: Record<AdBeat, readonly CameraMove[]> = {
  hook: ['push-in', 'pan-right', 'tilt-up'],
  problem: ['pan-left', 'tilt-down', 'push-in'],
  product: ['push-in', 'tilt-up', 'pan-left'],
  benefit: ['pan-right', 'pull-out', 'tilt-up'],
  'end-card': ['push-in', 'static'],
};

// Long dissolves, and a dip to white that lifts the ad into its end card.
const SOFT_TRANSITIONS: TransitionStyle = {
  beat: 'crossfade',
  into: { 'end-card': 'dip-to-white' },
  accents: null,
  blendSec: 0.75,
};

export const TONE_PROFILES: Record<ToneKind, ToneProfile> = {
  calm: {
    kind: 'calm',
    transitions: SOFT_TRANSITIONS,
    musicMood: 'calm ambient',
    mood: 'calm, reassuring',
    pace: 'slow, gentle',
    lighting: 'soft diffused daylight',
    style: 'naturalistic lifestyle cinematography',
    moves: GENTLE_MOVES,
    palettes: [
      ['#5D8A8C', '#A8C5C9', '#E8F1F2'],
      ['#6E8B74', '#B7CDB0', '#F1F5EE'],
    ],
  },
  hopeful: {
    kind: 'hopeful',
    transitions: SOFT_TRANSITIONS,
    musicMood: 'uplifting acoustic',
    mood: 'hopeful, warm',
    pace: 'slow, rising',
    lighting: 'warm morning sunlight',
    style: 'warm lifestyle cinematography',
    moves: GENTLE_MOVES,
    palettes: [
      ['#4A90A4', '#FFC46B', '#FFF4D6'],
      ['#5C8D5A', '#F6B27A', '#FDF1E1'],
    ],
  },
  elegant: {
    kind: 'elegant',
    transitions: {
      beat: 'crossfade',
      into: { product: 'dip-to-black', 'end-card': 'dip-to-black' },
      accents: null,
      blendSec: 0.75,
    },
    musicMood: 'elegant piano and strings',
    mood: 'elegant, refined',
    pace: 'smooth, gliding',
    lighting: 'sculpted soft studio light with gentle highlights',
    style: 'premium editorial cinematography',
    moves: GENTLE_MOVES,
    palettes: [
      ['#1C1C1E', '#C9A96E', '#F5F1E8'],
      ['#2B2A33', '#B8A07E', '#EFEAE2'],
    ],
  },
  energetic: {
    kind: 'energetic',
    transitions: {
      beat: 'cut',
      into: {},
      accents: { moves: ['slide-left', 'wipe-left'], at: 'one-or-two' },
      blendSec: 0.375,
    },
    musicMood: 'driving electronic',
    mood: 'energetic, bold',
    pace: 'fast, punchy',
    lighting: 'high-contrast punchy lighting',
    style: 'kinetic commercial cinematography',
    moves: LIVELY_MOVES,
    palettes: [
      ['#111122', '#FF2E88', '#00E5FF'],
      ['#0B0B0F', '#FF5A1F', '#C6FF00'],
    ],
  },
  playful: {
    kind: 'playful',
    transitions: {
      beat: 'cut',
      into: {},
      accents: { moves: ['slide-left', 'slide-right', 'wipe-left', 'wipe-right'], at: 'all' },
      blendSec: 0.5,
    },
    musicMood: 'playful upbeat pop',
    mood: 'playful, cheerful',
    pace: 'bouncy, quick',
    lighting: 'bright, even, colourful light',
    style: 'bright playful commercial cinematography',
    moves: LIVELY_MOVES,
    palettes: [
      ['#540D6E', '#EE4266', '#FFD23F'],
      ['#1B3A4B', '#3BCEAC', '#FFE066'],
    ],
  },
  neutral: {
    kind: 'neutral',
    transitions: { beat: 'crossfade', into: {}, accents: null, blendSec: 0.5 },
    musicMood: 'uplifting acoustic',
    mood: 'warm, inviting',
    pace: 'steady',
    lighting: 'warm natural light',
    style: 'clean commercial cinematography',
    moves: GENTLE_MOVES,
    palettes: [
      ['#2F3E46', '#D9A066', '#F7F3EE'],
      ['#3D405B', '#E07A5F', '#F4F1DE'],
    ],
  },
};

// Checked in this order only to break ties at the same position; the earliest word in the text wins.
const TONE_WORDS: ReadonlyArray<readonly [ToneKind, RegExp]> = [
  [
    'energetic',
    /\b(?:energetic|energy|high-energy|bold|fast|dynamic|exciting|punchy|intense|edgy|urgent|hype|sporty|powerful|adrenaline|electric|kinetic|upbeat)\b/i,
  ],
  ['playful', /\b(?:playful|fun|funny|quirky|cheeky|whimsical|humou?rous|silly|cheerful|light-?hearted)\b/i],
  [
    'elegant',
    /\b(?:elegant|luxury|luxurious|premium|sophisticated|refined|classy|sleek|timeless|graceful|minimalist)\b/i,
  ],
  ['hopeful', /\b(?:hopeful|uplifting|optimistic|inspiring|inspirational|heartfelt|warm|reassuring|empowering)\b/i],
  [
    'calm',
    /\b(?:calm|calming|soothing|gentle|serene|peaceful|relaxed|relaxing|tranquil|soft|quiet|mellow|co[sz]y|tender)\b/i,
  ],
];

/** The tone a brief asks for: its `tone` field first, then its style, then its text; neutral when none says. */
export function classifyTone(...texts: ReadonlyArray<string | undefined>): ToneKind {
  for (const text of texts) {
    if (!text) continue;
    let best: { kind: ToneKind; at: number } | null = null;
    for (const [kind, pattern] of TONE_WORDS) {
      const match = pattern.exec(text);
      if (match && (!best || match.index < best.at)) best = { kind, at: match.index };
    }
    if (best) return best.kind;
  }
  return 'neutral';
}
