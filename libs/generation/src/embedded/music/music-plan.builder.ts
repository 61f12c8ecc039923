import { deriveSeed, mulberry32, type Rng } from './mulberry32.util';
import { parseKey } from './music-theory.util';
import { type DrumStyle, type MusicPlan } from './music-plan.types';

interface MoodProfile {
  name: string;
  keywords: readonly string[];
  tempo: readonly [number, number];
  keys: readonly string[];
  progressions: readonly (readonly string[])[];
  instruments: { pad: boolean; bass: boolean; arp: boolean; drums: DrumStyle };
  swing: number;
}

const MAJOR_POP = [
  ['I', 'V', 'vi', 'IV'],
  ['I', 'IV', 'vi', 'V'],
  ['vi', 'IV', 'I', 'V'],
  ['I', 'vi', 'IV', 'V'],
] as const;

const MINOR_DRIVE = [
  ['i', 'VI', 'III', 'VII'],
  ['i', 'VII', 'VI', 'VII'],
  ['i', 'iv', 'VI', 'v'],
  ['i', 'III', 'VII', 'VI'],
] as const;

// Order matters only to break keyword ties; the last profile is the fallback for unknown moods.
const PROFILES: readonly MoodProfile[] = [
  {
    name: 'driving',
    keywords: ['driving', 'electronic', 'edm', 'techno', 'house', 'dance', 'club', 'synth', 'synthwave', 'pulsing'],
    tempo: [124, 128],
    keys: ['A minor', 'F# minor', 'G minor', 'E minor', 'C minor'],
    progressions: MINOR_DRIVE,
    instruments: { pad: true, bass: true, arp: true, drums: 'full' },
    swing: 0,
  },
  {
    name: 'uplifting',
    keywords: ['uplifting', 'acoustic', 'inspiring', 'inspirational', 'bright', 'upbeat', 'optimistic', 'positive'],
    tempo: [98, 108],
    keys: ['D major', 'G major', 'C major', 'A major', 'E major'],
    progressions: MAJOR_POP,
    instruments: { pad: true, bass: true, arp: true, drums: 'soft' },
    swing: 0,
  },
  {
    name: 'energetic',
    keywords: ['energetic', 'powerful', 'sport', 'sports', 'action', 'bold', 'exciting', 'fast'],
    tempo: [118, 124],
    keys: ['E major', 'D major', 'A major', 'B major'],
    progressions: MAJOR_POP,
    instruments: { pad: true, bass: true, arp: true, drums: 'full' },
    swing: 0,
  },
  {
    name: 'playful',
    keywords: ['playful', 'happy', 'fun', 'quirky', 'cheerful', 'whimsical', 'cute', 'kids', 'joyful', 'lighthearted'],
    tempo: [110, 120],
    keys: ['F major', 'C major', 'G major', 'Bb major'],
    progressions: [
      ['I', 'vi', 'ii', 'V'],
      ['I', 'IV', 'V', 'IV'],
      ['I', 'ii', 'IV', 'V'],
    ],
    instruments: { pad: true, bass: true, arp: true, drums: 'soft' },
    swing: 0.28,
  },
  {
    name: 'calm',
    keywords: [
      'calm',
      'hopeful',
      'ambient',
      'peaceful',
      'serene',
      'relaxed',
      'relaxing',
      'gentle',
      'soft',
      'dreamy',
      'warm',
      'tender',
      'wellness',
      'slow',
    ],
    tempo: [72, 84],
    keys: ['D major', 'Eb major', 'F major', 'C major', 'Ab major'],
    progressions: [
      ['I', 'IV', 'vi', 'IV'],
      ['I', 'iii', 'IV', 'IV'],
      ['IV', 'I', 'V', 'vi'],
      ['I', 'V', 'IV', 'IV'],
    ],
    instruments: { pad: true, bass: true, arp: true, drums: 'none' },
    swing: 0,
  },
  {
    name: 'dramatic',
    keywords: [
      'dramatic',
      'tense',
      'dark',
      'epic',
      'cinematic',
      'suspense',
      'suspenseful',
      'mysterious',
      'serious',
      'moody',
      'urgent',
      'thriller',
    ],
    tempo: [84, 96],
    keys: ['D minor', 'C minor', 'E minor', 'B minor', 'G minor'],
    progressions: [
      ['i', 'VI', 'III', 'VII'],
      ['i', 'iv', 'VI', 'V'],
      ['i', 'VI', 'iv', 'V'],
      ['i', 'i', 'VI', 'VII'],
    ],
    instruments: { pad: true, bass: true, arp: true, drums: 'soft' },
    swing: 0,
  },
  {
    name: 'sad',
    keywords: ['sad', 'melancholic', 'melancholy', 'nostalgic', 'emotional', 'somber', 'reflective', 'bittersweet'],
    tempo: [68, 80],
    keys: ['A minor', 'E minor', 'D minor', 'F# minor'],
    progressions: [
      ['i', 'VI', 'III', 'VII'],
      ['i', 'iv', 'i', 'VII'],
      ['VI', 'VII', 'i', 'i'],
    ],
    instruments: { pad: true, bass: true, arp: true, drums: 'none' },
    swing: 0,
  },
  {
    name: 'corporate',
    keywords: ['corporate', 'professional', 'modern', 'tech', 'clean', 'confident', 'business', 'friendly', 'pleasant'],
    tempo: [100, 110],
    keys: ['C major', 'G major', 'D major', 'F major', 'A major'],
    progressions: MAJOR_POP,
    instruments: { pad: true, bass: true, arp: true, drums: 'soft' },
    swing: 0,
  },
];

const FALLBACK = PROFILES[PROFILES.length - 1];

/**
 * Maps a free-text mood ('uplifting acoustic', 'dark and tense') to a concrete plan by keyword votes.
 * The seed only picks among close variants (tempo within the profile's range, key, progression), so a
 * re-roll sounds different without changing character; an unknown mood gets the pleasant fallback.
 */
export function planMusic(mood: string, seed: number): MusicPlan {
  const words = mood.toLowerCase().match(/[a-z]+/g) ?? [];
  const profile = pickProfile(words);
  const rng = mulberry32(deriveSeed(seed, `plan:${profile.name}`));
  const key = pick(rng, profile.keys);
  const { pitchClass, mode } = parseKey(key);
  const [low, high] = profile.tempo;
  return {
    mood,
    tempoBpm: low + Math.floor(rng() * (high - low + 1)),
    key,
    rootMidi: 60 + pitchClass,
    mode,
    progression: [...pick(rng, profile.progressions)],
    instruments: { ...profile.instruments },
    swing: profile.swing,
  };
}

function pickProfile(words: readonly string[]): MoodProfile {
  let best = FALLBACK;
  let bestScore = 0;
  for (const profile of PROFILES) {
    const score = words.filter((word) => profile.keywords.includes(word)).length;
    if (score > bestScore) {
      best = profile;
      bestScore = score;
    }
  }
  return best;
}

function pick<T>(rng: Rng, options: readonly T[]): T {
  return options[Math.floor(rng() * options.length)];
}
