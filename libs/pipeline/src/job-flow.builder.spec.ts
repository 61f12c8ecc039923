import { type FlowJob } from 'bullmq';
import { planSchedule, type Storyboard, type TransitionIn } from '@app/domain';
import { anchoredScenes, buildJobFlow as buildFlow, buildRevisionFlow } from './job-flow.builder';

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

type Board = Pick<Storyboard, 'scenes' | 'music'>;
const chained = (b: Board) =>
  planSchedule(b.scenes, () => ({ profile: 'video_default', firstAndLastFrame: false }), true);
const anchored = (b: Board) =>
  planSchedule(b.scenes, () => ({ profile: 'video_kling', firstAndLastFrame: true }), true);
const buildJobFlow = (r: typeof ref, b: Board) => buildFlow(r, b, chained(b));

const ids = (node: FlowJob): unknown => ({ id: node.opts?.jobId, children: (node.children ?? []).map(ids) });

describe(buildFlow.name, () => {
  it('makes compose the root with the soundtrack (over the music) and one child per chain tail', () => {
    const flow = buildJobFlow(ref, board(['cut', 'continuous', 'continuous', 'cut', 'crossfade']));
    expect(ids(flow)).toEqual({
      id: 'J1.compose',
      children: [
        { id: 'J1.scene-2', children: [{ id: 'J1.scene-1', children: [{ id: 'J1.scene-0', children: [] }] }] },
        { id: 'J1.scene-3', children: [] },
        { id: 'J1.scene-4', children: [] },
        { id: 'J1.soundtrack', children: [{ id: 'J1.music', children: [] }] },
      ],
    });
  });

  it('leaves music out when the storyboard disables it, and still makes the soundtrack', () => {
    const flow = buildJobFlow(ref, board(['cut', 'cut'], false));
    expect(flow.children?.map((c) => c.name)).toEqual(['scene', 'scene', 'soundtrack']);
    expect(flow.children?.[2].children).toBeUndefined();
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

  it('queues each scene on its model profile queue', () => {
    const b = board(['cut', 'continuous', 'cut']);
    const flow = buildFlow(
      ref,
      b,
      planSchedule(
        b.scenes,
        (i) => ({ profile: i === 2 ? 'video_long' : 'video_default', firstAndLastFrame: false }),
        true,
      ),
    );
    const queues = (n: FlowJob): string[] => [n.queueName, ...(n.children ?? []).flatMap(queues)];
    expect(queues(flow)).toEqual([
      'compose',
      'scene.video_default',
      'scene.video_default',
      'scene.video_long',
      'soundtrack',
      'music',
    ]);
  });

  it('puts a keyframes step in place of anchored scenes, which it adds itself once their keyframes exist', () => {
    const b = board(['cut', 'continuous', 'continuous', 'cut']);
    const schedule = anchored(b);
    expect(ids(buildFlow(ref, b, schedule))).toEqual({
      id: 'J1.compose',
      children: [
        { id: 'J1.scene-3', children: [] },
        { id: 'J1.keyframes', children: [] },
        { id: 'J1.soundtrack', children: [{ id: 'J1.music', children: [] }] },
      ],
    });
    expect(anchoredScenes(schedule)).toEqual([0, 1, 2]);
  });

  it('carries ids only in payloads', () => {
    const flow = buildJobFlow(ref, board(['cut']));
    expect(flow.data).toEqual(ref);
    expect(flow.children?.[0].data).toEqual({ ...ref, sceneIndex: 0 });
  });
});

describe(buildRevisionFlow.name, () => {
  const r1 = { ...ref, revision: 1 };
  const b = board(['cut', 'continuous', 'cut']);

  it('recomposes from the stored clips with no scene step when no scene is made again', () => {
    expect(ids(buildRevisionFlow(r1, b, chained(b), { scenes: false, music: false, soundtrack: false }))).toEqual({
      id: 'J1.r1.compose',
      children: [],
    });
    expect(ids(buildRevisionFlow(r1, b, chained(b), { scenes: false, music: false, soundtrack: true }))).toEqual({
      id: 'J1.r1.compose',
      children: [{ id: 'J1.r1.soundtrack', children: [] }],
    });
    expect(ids(buildRevisionFlow(r1, b, chained(b), { scenes: false, music: true, soundtrack: true }))).toEqual({
      id: 'J1.r1.compose',
      children: [{ id: 'J1.r1.soundtrack', children: [{ id: 'J1.r1.music', children: [] }] }],
    });
  });

  it("is the whole job's flow under the revision's ids when a scene is made again", () => {
    const remade = buildRevisionFlow(r1, b, chained(b), { scenes: true, music: false, soundtrack: false });
    expect(remade).toEqual(buildFlow(r1, b, chained(b)));
    expect(buildRevisionFlow(r1, b, chained(b), undefined)).toEqual(remade);
  });
});
