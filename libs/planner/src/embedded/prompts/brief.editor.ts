import { MAX_DURATION_SEC, MIN_DURATION_SEC, type Brief } from '@app/domain';
import { TONE_PROFILES } from '../tone.profile';
import { rejectEdit } from './edit-rejection';
import { rewriteAspects, rewriteDurations, type Rewrite } from './format-mention.editor';
import { type PromptEdit } from './prompt-edit';
import { shiftTone } from './tone-shift';

const MAX_BRIEF_CHARS = 2000;
const MAX_CALL_TO_ACTION_CHARS = 200;

export interface EditedBrief {
  brief: Brief;
  changes: string[];
}

/** Applies one edit to a brief, changing nothing the edit does not name. Never mutates its input. */
export function editBrief(brief: Brief, edit: PromptEdit): EditedBrief {
  switch (edit.kind) {
    case 'duration': {
      checkDuration(edit.sec);
      if (brief.durationSec === edit.sec) return { brief, changes: [] };
      const text = rewriteDurations(brief.brief, brief.durationSec, edit.sec);
      return withText({ ...brief, durationSec: edit.sec }, text, `duration: ${brief.durationSec} s → ${edit.sec} s`);
    }
    case 'aspect': {
      if (brief.aspectRatio === edit.ratio) return { brief, changes: [] };
      const text = rewriteAspects(brief.brief, brief.aspectRatio, edit.ratio);
      return withText(
        { ...brief, aspectRatio: edit.ratio },
        text,
        `aspect ratio: ${brief.aspectRatio} → ${edit.ratio}`,
      );
    }
    case 'call-to-action': {
      const text = checkCallToAction(edit.text);
      if (brief.callToAction === text) return { brief, changes: [] };
      return {
        brief: { ...brief, callToAction: text },
        changes: [`call to action: ${quote(brief.callToAction)} → ${quote(text)}`],
      };
    }
    case 'tone': {
      const tone = shiftTone(brief.tone, edit.tone);
      const musicMood = TONE_PROFILES[edit.tone].musicMood;
      const changes: string[] = [];
      let next = brief;
      if (tone !== brief.tone) {
        next = { ...next, tone };
        changes.push(`tone: ${quote(brief.tone)} → ${quote(tone)}`);
      }
      // Without a mood of its own the brief's music already follows its tone at planning time.
      if (brief.music.mood !== undefined && brief.music.mood !== musicMood) {
        next = { ...next, music: { ...next.music, mood: musicMood } };
        changes.push(`music mood: ${quote(brief.music.mood)} → ${quote(musicMood)}`);
      }
      return { brief: next, changes };
    }
    case 'seed':
      if (brief.seed === edit.seed) return { brief, changes: [] };
      return { brief: { ...brief, seed: edit.seed }, changes: [`seed: ${brief.seed} → ${edit.seed}`] };
    default:
      throw rejectEdit(`${describeSceneEdit(edit)} needs a storyboard: a brief has no scenes yet`);
  }
}

export function checkDuration(sec: number): void {
  if (!Number.isInteger(sec) || sec < MIN_DURATION_SEC || sec > MAX_DURATION_SEC) {
    throw rejectEdit(
      `an ad runs a whole number of seconds from ${MIN_DURATION_SEC} to ${MAX_DURATION_SEC}, not ${sec}`,
    );
  }
}

export function checkCallToAction(text: string): string {
  const clean = text.trim();
  if (!clean || clean.length > MAX_CALL_TO_ACTION_CHARS) {
    throw rejectEdit(`a call to action is 1-${MAX_CALL_TO_ACTION_CHARS} characters, not ${clean.length}`);
  }
  return clean;
}

export function quote(text: string | undefined): string {
  return text === undefined ? '(none)' : `'${text}'`;
}

function withText(brief: Brief, text: Rewrite, change: string): EditedBrief {
  // The text restates the old length or format; left as it is, it would contradict the field it describes.
  if (!text.replaced.length || text.text.length > MAX_BRIEF_CHARS) return { brief, changes: [change] };
  return {
    brief: { ...brief, brief: text.text },
    changes: [change, `brief text: ${text.replaced.join(', ')}`],
  };
}

function describeSceneEdit(edit: PromptEdit): string {
  switch (edit.kind) {
    case 'look':
      return 'changing the time of day';
    case 'remove-scenes':
      return 'removing scenes';
    case 'swap-scenes':
      return 'swapping scenes';
    case 'on-screen-text':
      return 'changing on-screen text';
    default:
      return `a ${edit.kind} edit`;
  }
}
