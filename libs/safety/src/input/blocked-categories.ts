/**
 * What Reelsmith will not make an ad of, whatever the model or provider would allow. Maintained
 * here, reviewed like code: each category has patterns matched case-insensitively on word
 * boundaries against briefs and planned prompts. Prefer phrases over single words so that ads
 * about prevention, safety or health (a suicide-prevention line, a smoke alarm) still pass.
 */
export interface BlockedCategory {
  id: string;
  reason: string;
  patterns: RegExp[];
}

export const BLOCKED_CATEGORIES: readonly BlockedCategory[] = [
  {
    id: 'sexual/minors',
    reason: 'sexual content involving minors',
    patterns: [
      /\b(child|children|kid|kids|minor|minors|underage|teen|teens)\b[^.]{0,40}\b(nude|naked|sexual|sexy|explicit|erotic)\b/i,
    ],
  },
  {
    id: 'sexual/explicit',
    reason: 'sexually explicit content',
    patterns: [/\b(porn\w*|explicit sex|sex scene|fully nude|naked bodies|erotic)\b/i],
  },
  {
    id: 'violence/graphic',
    reason: 'graphic violence',
    patterns: [/\b(gore|gory|behead\w*|dismember\w*|mutilat\w*|torture scene)\b/i],
  },
  {
    id: 'weapons/illegal',
    reason: 'weapons or explosives instructions or sales',
    patterns: [
      /\b(pipe bomb|ghost gun|build (a|an) (bomb|explosive)|untraceable (gun|firearm)|buy (guns|firearms) without)\b/i,
    ],
  },
  {
    id: 'drugs/illegal',
    reason: 'sale of illegal drugs',
    patterns: [
      /\b(buy|sell|order|selling|delivered)\b[^.]{0,30}\b(cocaine|heroin|meth|methamphetamine|fentanyl|mdma)\b/i,
    ],
  },
  {
    id: 'self-harm/promotion',
    reason: 'promotion of self-harm',
    patterns: [/\b(how to (kill|hurt|harm) yourself|encourag\w* (suicide|self-harm)|pro-ana)\b/i],
  },
  {
    id: 'hate/extremism',
    reason: 'hate or violent extremism',
    patterns: [/\b(ethnic cleansing|racial superiority|white power|join (the|our) (jihad|militia))\b/i],
  },
  {
    id: 'health/deceptive-claims',
    reason: 'deceptive health claims',
    patterns: [
      /\b(cures? (cancer|diabetes|covid|hiv|aids|alzheimer'?s)|miracle cure|guaranteed weight loss|no prescription (needed|required))\b/i,
    ],
  },
];

export function matchBlockedCategory(text: string): BlockedCategory | null {
  return BLOCKED_CATEGORIES.find((category) => category.patterns.some((pattern) => pattern.test(text))) ?? null;
}
