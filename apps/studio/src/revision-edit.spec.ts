import { revisionEditOf } from './revision-edit';
import { type Storyboard } from './types';

const storyboard = {
  scenes: [
    { index: 0, visualPrompt: 'a park', onScreenText: 'Hello', narration: 'Hi there' },
    { index: 1, visualPrompt: 'a street', onScreenText: '', narration: undefined },
  ],
} as unknown as Storyboard;
const unchanged = [
  { visualPrompt: 'a park', onScreenText: 'Hello', narration: 'Hi there', regenerate: false },
  { visualPrompt: 'a street', onScreenText: '', narration: '', regenerate: false },
];

describe(revisionEditOf.name, () => {
  it('sends nothing when nothing changed', () => {
    expect(revisionEditOf(storyboard, unchanged)).toEqual({});
  });

  it('sends only the changed fields of each scene, and the scenes to regenerate', () => {
    const fields = structuredClone(unchanged);
    fields[0].onScreenText = 'Now half price';
    fields[1].regenerate = true;
    expect(revisionEditOf(storyboard, fields)).toEqual({
      scenes: [{ index: 0, onScreenText: 'Now half price' }],
      regenerate: [1],
    });
  });

  it('keeps the prompt when its field is emptied', () => {
    const fields = structuredClone(unchanged);
    fields[1].visualPrompt = '  ';
    expect(revisionEditOf(storyboard, fields)).toEqual({});
  });
});
