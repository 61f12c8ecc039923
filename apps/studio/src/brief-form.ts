import type { Problem } from './types';

/** The new-ad form as the person typed it (strings and switches); `toBrief` turns it into the API's brief. */
export interface BriefForm {
  brief: string;
  durationSec: string;
  aspectRatio: string;
  extraRatios: string[];
  reframe: string;
  productName: string;
  productDescription: string;
  audience: string;
  tone: string;
  style: string;
  callToAction: string;
  brandName: string;
  brandColors: string;
  brandFont: string;
  watermarkText: string;
  logo: string;
  logoName: string;
  watermarkPosition: string;
  sideEffects: string;
  dosage: string;
  disclaimer: string;
  musicEnabled: boolean;
  musicMood: string;
  voiceover: boolean;
  loudness: string;
  videoProfile: string;
  budgetUsd: string;
  quality: string;
  seed: string;
}

export type FormField = keyof BriefForm;

export const EMPTY_FORM: BriefForm = {
  brief: '',
  durationSec: '30',
  aspectRatio: '16:9',
  extraRatios: [],
  reframe: 'blur',
  productName: '',
  productDescription: '',
  audience: '',
  tone: '',
  style: '',
  callToAction: '',
  brandName: '',
  brandColors: '',
  brandFont: '',
  watermarkText: '',
  logo: '',
  logoName: '',
  watermarkPosition: 'bottom-right',
  sideEffects: '',
  dosage: '',
  disclaimer: '',
  musicEnabled: true,
  musicMood: '',
  voiceover: true,
  loudness: 'streaming',
  videoProfile: '',
  budgetUsd: '',
  quality: 'preview',
  seed: '',
};

/** A number when the text is one; otherwise the text itself, so the API names the problem. */
function numberOr(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function lines(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Only what was filled in: the API applies its defaults to the rest. */
export function toBrief(form: BriefForm): Record<string, unknown> {
  const out: Record<string, unknown> = { brief: form.brief.trim() };
  const put = (key: string, value: unknown) => {
    if (value === '' || value === undefined) return;
    if (value && typeof value === 'object' && !Array.isArray(value) && !Object.keys(value).length) return;
    out[key] = value;
  };
  const pick = (entries: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== '' && v !== undefined));
  put('durationSec', numberOr(form.durationSec));
  put('aspectRatio', form.aspectRatio);
  const extras = form.extraRatios.filter((r) => r !== form.aspectRatio);
  if (extras.length) {
    out.aspectRatios = [form.aspectRatio, ...extras];
    put('reframe', form.reframe);
  }
  put('product', pick({ name: form.productName.trim(), description: form.productDescription.trim() }));
  put('audience', form.audience.trim());
  put('tone', form.tone.trim());
  put('style', form.style.trim());
  put('callToAction', form.callToAction.trim());
  const colors = lines(form.brandColors, /[\s,]+/);
  put('brand', pick({ name: form.brandName.trim(), colors: colors.length ? colors : '', font: form.brandFont.trim() }));
  if (form.watermarkText.trim() || form.logo) {
    out.watermark = pick({ text: form.watermarkText.trim(), logo: form.logo, position: form.watermarkPosition });
  }
  const sideEffects = lines(form.sideEffects, /\n|;/);
  put(
    'compliance',
    pick({
      sideEffects: sideEffects.length ? sideEffects : '',
      dosage: form.dosage.trim(),
      disclaimer: form.disclaimer.trim(),
    }),
  );
  out.music = pick({ enabled: form.musicEnabled, mood: form.musicMood.trim() });
  out.voiceover = { enabled: form.voiceover };
  put('loudness', form.loudness);
  put('videoProfile', form.videoProfile.trim());
  put('budgetUsd', numberOr(form.budgetUsd));
  put('quality', form.quality);
  put('seed', numberOr(form.seed));
  return out;
}

/** A brief (a sample, or what a prompt tool answered) as the form shows it. */
export function fromBrief(brief: Record<string, unknown>): BriefForm {
  const b = brief as {
    brief?: string;
    durationSec?: number;
    aspectRatio?: string;
    aspectRatios?: string[];
    reframe?: string;
    product?: { name?: string; description?: string };
    audience?: string;
    tone?: string;
    style?: string;
    callToAction?: string;
    brand?: { name?: string; colors?: string[]; font?: string };
    watermark?: { text?: string; logo?: string; position?: string };
    compliance?: { sideEffects?: string[]; dosage?: string; disclaimer?: string };
    music?: { mood?: string; enabled?: boolean };
    voiceover?: { enabled?: boolean };
    loudness?: string;
    videoProfile?: string;
    budgetUsd?: number;
    quality?: string;
    seed?: number;
  };
  const aspectRatio = b.aspectRatio ?? EMPTY_FORM.aspectRatio;
  return {
    brief: b.brief ?? '',
    durationSec: String(b.durationSec ?? EMPTY_FORM.durationSec),
    aspectRatio,
    extraRatios: (b.aspectRatios ?? []).filter((r) => r !== aspectRatio),
    reframe: b.reframe ?? EMPTY_FORM.reframe,
    productName: b.product?.name ?? '',
    productDescription: b.product?.description ?? '',
    audience: b.audience ?? '',
    tone: b.tone ?? '',
    style: b.style ?? '',
    callToAction: b.callToAction ?? '',
    brandName: b.brand?.name ?? '',
    brandColors: (b.brand?.colors ?? []).join(', '),
    brandFont: b.brand?.font ?? '',
    watermarkText: b.watermark?.text ?? '',
    logo: b.watermark?.logo ?? '',
    logoName: b.watermark?.logo ? 'logo.png' : '',
    watermarkPosition: b.watermark?.position ?? EMPTY_FORM.watermarkPosition,
    sideEffects: (b.compliance?.sideEffects ?? []).join('\n'),
    dosage: b.compliance?.dosage ?? '',
    disclaimer: b.compliance?.disclaimer ?? '',
    musicEnabled: b.music?.enabled ?? true,
    musicMood: b.music?.mood ?? '',
    voiceover: b.voiceover?.enabled ?? true,
    loudness: b.loudness ?? EMPTY_FORM.loudness,
    videoProfile: b.videoProfile ?? '',
    budgetUsd: b.budgetUsd === undefined ? '' : String(b.budgetUsd),
    quality: b.quality ?? EMPTY_FORM.quality,
    seed: b.seed === undefined ? '' : String(b.seed),
  };
}

const FIELD_OF: Array<[RegExp, FormField]> = [
  [/^brief$/, 'brief'],
  [/^durationSec$/, 'durationSec'],
  [/^aspectRatios\b/, 'extraRatios'],
  [/^aspectRatio$/, 'aspectRatio'],
  [/^reframe$/, 'reframe'],
  [/^product\.description$/, 'productDescription'],
  [/^product\b/, 'productName'],
  [/^audience$/, 'audience'],
  [/^tone$/, 'tone'],
  [/^style$/, 'style'],
  [/^callToAction$/, 'callToAction'],
  [/^brand\.colors\b/, 'brandColors'],
  [/^brand\.font$/, 'brandFont'],
  [/^brand\b/, 'brandName'],
  [/^watermark\.logo$/, 'logo'],
  [/^watermark\.position$/, 'watermarkPosition'],
  [/^watermark\b/, 'watermarkText'],
  [/^compliance\.sideEffects\b/, 'sideEffects'],
  [/^compliance\.dosage$/, 'dosage'],
  [/^compliance\.disclaimer$/, 'disclaimer'],
  [/^music\b/, 'musicMood'],
  [/^voiceover\b/, 'voiceover'],
  [/^loudness$/, 'loudness'],
  [/^videoProfile$/, 'videoProfile'],
  [/^budgetUsd$/, 'budgetUsd'],
  [/^quality$/, 'quality'],
  [/^seed$/, 'seed'],
];

export interface PlacedProblems {
  /** per form field, the reasons to show next to it */
  fields: Partial<Record<FormField, string[]>>;
  /** per scene index, per storyboard scene field */
  scenes: Record<number, Record<string, string[]>>;
  /** the rest (whole-storyboard rules, or a field the form does not show) */
  general: string[];
}

/** Places each problem of a 400 (or of an estimate) next to the field it names. */
export function placeProblems(problems: Problem[]): PlacedProblems {
  const placed: PlacedProblems = { fields: {}, scenes: {}, general: [] };
  for (const { field, reason } of problems) {
    const scene = /^storyboard\.scenes\.(\d+)\.(\w+)/.exec(field);
    if (scene) {
      const index = Number(scene[1]);
      ((placed.scenes[index] ??= {})[scene[2]] ??= []).push(reason);
      continue;
    }
    const match = FIELD_OF.find(([pattern]) => pattern.test(field));
    if (!match) {
      placed.general.push(`${describeField(field)} ${reason}`);
      continue;
    }
    // "brand.colors.1" -> "item 2: must be a #RRGGBB colour"
    const item = /\.(\d+)$/.exec(field);
    (placed.fields[match[1]] ??= []).push(item ? `item ${Number(item[1]) + 1}: ${reason}` : reason);
  }
  return placed;
}

function describeField(field: string): string {
  if (field === '(body)') return 'The request';
  if (field === 'storyboard.scenes') return 'Scene durations:';
  if (field.startsWith('storyboard.')) return `Storyboard ${field.slice('storyboard.'.length)}:`;
  return `${field}:`;
}
