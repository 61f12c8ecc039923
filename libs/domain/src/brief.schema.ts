import { z } from 'zod';

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

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
    quality: z.enum(['preview', 'final']).default('preview'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
  })
  .strict();

export type Brief = z.output<typeof briefSchema>;
export type BriefInput = z.input<typeof briefSchema>;
