import { parseEditRequest, sceneRefs } from './edit-request.parser';

describe(parseEditRequest.name, () => {
  it.each([
    ['make scene 2 at night', [{ kind: 'look', look: 'night', scenes: [2] }]],
    ['Set the last scene at sunset', [{ kind: 'look', look: 'sunset', scenes: ['last'] }]],
    ['make scene 3 in the rain', [{ kind: 'look', look: 'rain', scenes: [3] }]],
    ['make scenes 2-4 during the day', [{ kind: 'look', look: 'day', scenes: [2, 3, 4] }]],
    ['make it at night', [{ kind: 'look', look: 'night', scenes: 'all' }]],
    ['make it 15 seconds', [{ kind: 'duration', sec: 15 }]],
    ['cut it to half a minute', [{ kind: 'duration', sec: 30 }]],
    ['make it vertical', [{ kind: 'aspect', ratio: '9:16' }]],
    ['make it square', [{ kind: 'aspect', ratio: '1:1' }]],
    ['make it landscape', [{ kind: 'aspect', ratio: '16:9' }]],
    ["change the call to action to 'Shop the drop.'", [{ kind: 'call-to-action', text: 'Shop the drop.' }]],
    ['change the CTA to Learn more today.', [{ kind: 'call-to-action', text: 'Learn more today.' }]],
    ['make it calmer', [{ kind: 'tone', tone: 'calm' }]],
    ['make it more energetic', [{ kind: 'tone', tone: 'energetic' }]],
    ['make it less calm', [{ kind: 'tone', tone: 'energetic' }]],
    ['remove scene 2', [{ kind: 'remove-scenes', scenes: [2] }]],
    ['delete the third scene', [{ kind: 'remove-scenes', scenes: [3] }]],
    ['swap scenes 2 and 3', [{ kind: 'swap-scenes', scenes: [2, 3] }]],
    ['swap scene 1 with scene 4', [{ kind: 'swap-scenes', scenes: [1, 4] }]],
    [
      "change the on-screen text of scene 2 to 'Don't wait.'",
      [{ kind: 'on-screen-text', scene: 2, text: "Don't wait." }],
    ],
    ['remove the text from scene 3', [{ kind: 'on-screen-text', scene: 3, text: '' }]],
  ])('reads %p', (request, edits) => {
    expect(parseEditRequest(request)).toEqual(edits);
  });

  it('reads a compound request as edits in order, splitting only where each part stands alone', () => {
    expect(parseEditRequest('make it 15 seconds and vertical')).toEqual([
      { kind: 'duration', sec: 15 },
      { kind: 'aspect', ratio: '9:16' },
    ]);
    expect(parseEditRequest('swap scene 1 and scene 4')).toEqual([{ kind: 'swap-scenes', scenes: [1, 4] }]);
    expect(parseEditRequest('remove scene 2 and scene 5')).toEqual([{ kind: 'remove-scenes', scenes: [2, 5] }]);
    expect(parseEditRequest('make scene 2 at night and scene 3 at sunset')).toEqual([
      { kind: 'look', look: 'night', scenes: [2] },
      { kind: 'look', look: 'sunset', scenes: [3] },
    ]);
  });

  it('treats quoted text as data, not as more requests', () => {
    expect(parseEditRequest("change the CTA to 'Make it vertical, and calm' and make it 20 seconds")).toEqual([
      { kind: 'call-to-action', text: 'Make it vertical, and calm' },
      { kind: 'duration', sec: 20 },
    ]);
  });

  it.each(['make it pop', 'hello', '', 'make scene 2 calmer', 'make it 15 seconds and sparkly'])(
    'returns null for %p, which it cannot read in full',
    (request) => {
      expect(parseEditRequest(request)).toBeNull();
    },
  );
});

describe(sceneRefs.name, () => {
  it('reads numbers, words, ordinals, lists and ranges', () => {
    expect(sceneRefs('scenes 2, 4 and 6')).toEqual([2, 4, 6]);
    expect(sceneRefs('scene two and the last scene')).toEqual([2, 'last']);
    expect(sceneRefs('the opening scene')).toEqual([1]);
    expect(sceneRefs('scenes 3 to 5')).toEqual([3, 4, 5]);
  });
});
