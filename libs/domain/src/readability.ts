/**
 * Consumer-friendly language, checked (never rewritten): the Flesch–Kincaid grade of a text and
 * the words in it that a lay reader is likely to stumble on, so the team can rephrase them.
 */

/** The reading grade a consumer-directed statement should not exceed (about a US 8th grader). */
export const TARGET_READING_GRADE = 8;

export interface Readability {
  words: number;
  sentences: number;
  syllables: number;
  /** Flesch–Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word − 15.59. */
  fleschKincaidGrade: number;
  targetGrade: number;
  /** Words above the target grade: long (four or more syllables) or three-syllable terms not in everyday use. */
  hardTerms: string[];
}

// Everyday three-syllable words a consumer reads without trouble (the rest of three is flagged).
const EVERYDAY = new Set(
  [
    'allergy',
    'allergies',
    'another',
    'anyone',
    'anything',
    'beautiful',
    'breathing',
    'children',
    'company',
    'continue',
    'directed',
    'directions',
    'dizziness',
    'drowsiness',
    'everyday',
    'everyone',
    'exercise',
    'family',
    'important',
    'immediate',
    'immediately',
    'medicine',
    'medicines',
    'nausea',
    'pharmacist',
    'prescription',
    'product',
    'reaction',
    'reactions',
    'serious',
    'similar',
    'stomachache',
    'together',
    'tiredness',
    'usually',
    'vomiting',
    'whenever',
  ].map((w) => w.toLowerCase()),
);

/**
 * Syllables by vowel groups, the usual English approximation: a silent final 'e' (not '-le') and
 * '-es'/'-ed' endings that add no sound are dropped; every word has at least one.
 */
export function syllableCount(word: string): number {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return 0;
  if (w.length <= 3) return 1;
  w = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, (m) => m[0]).replace(/^y/, '');
  const groups = w.match(/[aeiouy]+/g);
  return Math.max(1, groups ? groups.length : 1);
}

/** Whether a word is above the target grade for a lay reader. */
export function isHardTerm(word: string): boolean {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return false;
  const syllables = syllableCount(w);
  if (syllables >= 4) return !EVERYDAY.has(w);
  return syllables === 3 && !EVERYDAY.has(w) && w.length >= 9;
}

/** Flesch–Kincaid grade and hard terms of `text` (numbers are words of one syllable). */
export function readabilityOf(text: string, targetGrade = TARGET_READING_GRADE): Readability {
  const sentences = Math.max(1, text.split(/[.!?]+(?:\s|$)/).filter((s) => /[\p{L}\p{N}]/u.test(s)).length);
  const tokens = text.split(/[\s,;:()/–—]+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
  const words = tokens.length;
  const syllables = tokens.reduce((sum, t) => sum + Math.max(1, syllableCount(t)), 0);
  const grade = words ? 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59 : 0;
  const hard = [
    ...new Set(tokens.map((t) => t.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')).filter((t) => t && isHardTerm(t))),
  ];
  return {
    words,
    sentences,
    syllables,
    fleschKincaidGrade: Math.round(grade * 10) / 10,
    targetGrade,
    hardTerms: hard,
  };
}
