import { z } from 'zod';
import { ASPECT_RATIOS, CAMERA_MOVES, TRANSITIONS } from './vocabulary';

/** Scene bounds: long enough to read a line of text, short enough for a video model to hold together. */
export const MIN_SCENE_SEC = 2;
export const MAX_SCENE_SEC = 12;
export const MAX_SCENES = 20;
export const CROSSFADE_SEC = 0.5;
export const MIN_TRANSITION_SEC = 0.2;
export const MAX_TRANSITION_SEC = 1.5;

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #RRGGBB colour');

export const storyboardSceneSchema = z
  .object({
    index: z.number().int().min(0),
    beat: z.string().trim().min(1).max(40),
    durationSec: z.number().int().min(MIN_SCENE_SEC).max(MAX_SCENE_SEC),
    visualPrompt: z.string().trim().min(1).max(1500),
    cameraMove: z.enum(CAMERA_MOVES),
    onScreenText: z.string().max(200),
    transitionIn: z.enum(TRANSITIONS),
    /** blend length of a blended transition (crossfade, dip, wipe, slide); default CROSSFADE_SEC */
    transitionSec: z.number().min(MIN_TRANSITION_SEC).max(MAX_TRANSITION_SEC).optional(),
    /** the voiceover line spoken over this scene, if any */
    narration: z.string().max(300).optional(),
    palette: z.array(colour).min(2).max(5),
    /** the seed this scene's clip is generated with; absent: the brief's seed plus the scene's index */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict();

export const storyboardSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    aspectRatio: z.enum(ASPECT_RATIOS),
    durationSec: z.number().int().positive(),
    scenes: z.array(storyboardSceneSchema).min(1).max(MAX_SCENES),
    music: z.object({ mood: z.string().trim().min(1).max(120), enabled: z.boolean() }).strict(),
    endCard: z
      .object({
        headline: z.string().trim().min(1).max(120),
        callToAction: z.string().max(200),
        durationSec: z.number().min(1).max(10),
      })
      .strict(),
    // Room for every compliance item a valid brief can carry (30 x 200 + 500 + 1000), verbatim.
    compliance: z
      .object({
        text: z.string().trim().min(1).max(8000),
        /** The major statement, spoken and shown line by line: where it sits and when each line is on. */
        statement: z
          .object({
            startSec: z.number().min(0),
            endSec: z.number().positive(),
            lines: z
              .array(
                z
                  .object({ text: z.string().trim().min(1).max(1000), startSec: z.number().min(0), endSec: z.number() })
                  .strict(),
              )
              .min(1)
              .max(200),
          })
          .strict()
          .optional(),
      })
      .strict()
      .nullable(),
  })
  .strict();

export type StoryboardScene = z.output<typeof storyboardSceneSchema>;
export type Storyboard = z.output<typeof storyboardSchema>;
