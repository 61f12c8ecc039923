import { type FlowJob } from 'bullmq';
import { type Storyboard, type TransitionIn } from '@app/domain';
import { buildJobFlow } from './job-flow.builder';

const ref = { tenantId: 't', jobId: 'J1' };
const board = (transitions: TransitionIn[], music = true): Pick<Storyboard, 'scenes' | 'music'> => ({
  scenes: transitions.map((transitionIn, index) => ({
    index,
    beat: 'b',
    durationSec: 3,
    visualPrompt: 'p',
    cameraMove: 'static',
    onScreenText: '',
    transitionIn,
    palette: ['#000000', '#ffffff'],
  })),
  music: { mood: 'calm', enabled: music },
});

const ids = (node: FlowJob): unknown => ({ id: node.opts?.jobId, children: (node.children ?? []).map(ids) });

describe(buildJobFlow.name, () => {
  it('makes compose the root with music and one child per chain tail', () => {
    const flow = buildJobFlow(ref, board(['cut', 'continuous', 'continuous', 'cut', 'crossfade']));
    expect(ids(flow)).toEqual({
      id: 'J1.compose',
      children: [
        { id: 'J1.scene-2', children: [{ id: 'J1.scene-1', children: [{ id: 'J1.scene-0', children: [] }] }] },
        { id: 'J1.scene-3', children: [] },
        { id: 'J1.scene-4', children: [] },
        { id: 'J1.music', children: [] },
      ],
    });
  });

  it('leaves music out when the storyboard disables it', () => {
    const flow = buildJobFlow(ref, board(['cut', 'cut'], false));
    expect(flow.children?.map((c) => c.name)).toEqual(['scene', 'scene']);
  });

  it('gives every node attempts, backoff and a failure option so no parent waits forever', () => {
    const visit = (node: FlowJob, isRoot: boolean) => {
      expect(node.opts?.attempts).toBeGreaterThan(1);
      expect(node.opts?.backoff).toBeDefined();
      if (!isRoot) expect(node.opts?.failParentOnFailure).toBe(true);
      node.children?.forEach((c) => visit(c, false));
    };
    visit(buildJobFlow(ref, board(['cut', 'continuous', 'cut'])), true);
  });

  it('carries ids only in payloads', () => {
    const flow = buildJobFlow(ref, board(['cut']));
    expect(flow.data).toEqual(ref);
    expect(flow.children?.[0].data).toEqual({ ...ref, sceneIndex: 0 });
  });
});
