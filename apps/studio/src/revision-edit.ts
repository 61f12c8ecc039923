import { type RevisionEdit, type Storyboard } from './types';

/** What a person typed into a scene card, and whether they asked for it to be made again. */
export type SceneFields = { visualPrompt: string; onScreenText: string; narration: string; regenerate: boolean };

/** The edit the fields describe: only what differs from the storyboard, and the scenes marked to regenerate. */
export function revisionEditOf(storyboard: Storyboard, fields: readonly SceneFields[]): RevisionEdit {
  const scenes: NonNullable<RevisionEdit['scenes']> = [];
  const regenerate: number[] = [];
  storyboard.scenes.forEach((scene, index) => {
    const f = fields[index];
    if (!f) return;
    const patch: NonNullable<RevisionEdit['scenes']>[number] = { index };
    if (f.visualPrompt.trim() && f.visualPrompt !== scene.visualPrompt) patch.visualPrompt = f.visualPrompt;
    if (f.onScreenText !== scene.onScreenText) patch.onScreenText = f.onScreenText;
    if (f.narration !== (scene.narration ?? '')) patch.narration = f.narration;
    if (Object.keys(patch).length > 1) scenes.push(patch);
    if (f.regenerate) regenerate.push(index);
  });
  return { ...(scenes.length ? { scenes } : {}), ...(regenerate.length ? { regenerate } : {}) };
}
