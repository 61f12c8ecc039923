import { z } from 'zod';
import { ASPECT_RATIOS, type AspectRatio } from './vocabulary';

export const MIN_DURATION_SEC = 6;
export const MAX_DURATION_SEC = 120;
const MAX_TEXT = 2000;
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

const shortText = (max: number) => z.string().trim().min(1).max(max);

/** The one schema a brief is validated with; defaults are applied here so the rest of the code sees a full Brief. */
export const briefSchema = z
  .object({
    brief: z.string().trim().min(10, 'must be at least 10 characters').max(MAX_TEXT),
    durationSec: z
      .number()
      .int('must be a whole number of seconds')
      .min(MIN_DURATION_SEC)
      .max(MAX_DURATION_SEC)
      .default(30),
    aspectRatio: z.enum(ASPECT_RATIOS).default('16:9'),
    product: z
      .object({ name: shortText(120), description: shortText(500).optional() })
      .strict()
      .optional(),
    audience: shortText(300).optional(),
    tone: shortText(120).optional(),
    style: shortText(300).optional(),
    callToAction: shortText(200).optional(),
    brand: z
      .object({
        name: shortText(120).optional(),
        colors: z.array(z.string().regex(HEX_COLOUR, 'must be a #RRGGBB colour')).max(6).optional(),
        font: shortText(120).optional(),
      })
      .strict()
      .optional(),
    compliance: z
      .object({
        sideEffects: z.array(shortText(200)).max(30).optional(),
        dosage: shortText(500).optional(),
        disclaimer: shortText(1000).optional(),
      })
      .strict()
      .optional(),
    music: z
      .object({ mood: shortText(120).optional(), enabled: z.boolean().default(true) })
      .strict()
      .default({ enabled: true }),
    /** several formats from one job; the first is the master the others are reframed from */
    aspectRatios: z
      .array(z.enum(ASPECT_RATIOS))
      .min(1)
      .max(3)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a ratio')
      .optional(),
    /** how other formats are made from the master: centre crop, or the frame over a blurred fill */
    reframe: z.enum(['crop', 'blur']).default('blur'),
    /** loudness target: streaming/social -14 LUFS, broadcast (EBU R128) -23 LUFS; true peak -1 dBTP */
    loudness: z.enum(['streaming', 'broadcast']).default('streaming'),
    voiceover: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({ enabled: true }),
    watermark: z
      .object({
        text: shortText(60).optional(),
        /** a small PNG logo as a data URL (never fetched from anywhere) */
        logo: z
          .string()
          .regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'must be a data:image/png;base64 URL')
          .max(400_000, 'must be under 300 KB')
          .optional(),
        position: z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']).default('bottom-right'),
        opacity: z.number().min(0.05).max(1).default(0.6),
      })
      .strict()
      .refine((w) => w.text || w.logo, 'needs a text or a logo')
      .optional(),
    /** a model profile from the registry (e.g. video_long); the configured default otherwise */
    videoProfile: z
      .string()
      .regex(/^[a-z0-9_]{1,64}$/)
      .optional(),
    /** the most this job may spend on generation, in US dollars: planning or generation that would exceed it fails first */
    budgetUsd: z.number().min(0).max(100_000).optional(),
    quality: z.enum(['preview', 'final']).default('preview'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
  })
  .strict()
  .superRefine((brief, ctx) => {
    if (brief.aspectRatios && !brief.aspectRatios.includes(brief.aspectRatio)) {
      ctx.addIssue({
        code: 'custom',
        path: ['aspectRatios'],
        message: `must include aspectRatio "${brief.aspectRatio}", the master the other formats are made from`,
      });
    }
  });

export type Brief = z.output<typeof briefSchema>;

/** Every format a brief asks for, the master (`aspectRatio`) first. */
export function aspectRatiosOf(brief: Pick<Brief, 'aspectRatio' | 'aspectRatios'>): AspectRatio[] {
  return [brief.aspectRatio, ...(brief.aspectRatios ?? []).filter((r) => r !== brief.aspectRatio)];
}

export const LOUDNESS_TARGETS = {
  streaming: { integratedLufs: -14, truePeakDb: -1, lra: 11 },
  broadcast: { integratedLufs: -23, truePeakDb: -1, lra: 15 },
} as const;
export type BriefInput = z.input<typeof briefSchema>;
