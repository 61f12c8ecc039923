import { type BriefInput } from '@app/domain';

/** The sample briefs shipped with the product (examples/briefs), inlined so the specs need no files. */
export const SAMPLE_BRIEFS = {
  allergy30s: {
    brief:
      "A 30-second TV spot for Clarivo, a once-daily non-drowsy allergy tablet. Open on a family picnic ruined by sneezing, then the same picnic in full spring bloom after Clarivo. Calm, hopeful, sunlit. End on the product and the line 'Breathe in spring.'",
    durationSec: 30,
    aspectRatio: '16:9',
    product: { name: 'Clarivo', description: '24-hour non-drowsy allergy relief, one tablet a day' },
    audience: 'adults 30-55 with seasonal allergies',
    tone: 'calm, hopeful',
    style: 'sunlit lifestyle cinematography',
    callToAction: 'Ask your doctor about Clarivo.',
    brand: { name: 'Clarivo', colors: ['#2E7D32', '#F9FBE7'] },
    compliance: {
      sideEffects: ['headache', 'dry mouth', 'drowsiness in rare cases'],
      dosage: 'One 10 mg tablet daily. Do not exceed 10 mg in 24 hours.',
      disclaimer: 'Use only as directed. Not for children under 6.',
    },
    music: { mood: 'uplifting acoustic' },
    quality: 'preview',
    seed: 7,
  },
  minimal: { brief: "Six-second bumper for a neighbourhood bakery's new sourdough.", durationSec: 6 },
  sneaker15sVertical: {
    brief:
      '15-second vertical social ad for the Volt Runner sneaker: one continuous shot that follows a runner from a dark tunnel into neon city streets at night, then a hard cut to the shoe on a pedestal.',
    durationSec: 15,
    aspectRatio: '9:16',
    product: { name: 'Volt Runner' },
    tone: 'energetic',
    callToAction: 'Run brighter. voltrunner.example',
    music: { mood: 'driving electronic' },
    seed: 42,
  },
} satisfies Record<string, BriefInput>;
