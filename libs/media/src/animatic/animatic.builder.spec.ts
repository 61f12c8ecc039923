import { CAMERA_MOVES, type CameraMove, outputSpecFor, type StoryboardScene } from '@app/domain';
import {
  type AnimaticSceneRequest,
  buildAnimaticSceneCommand,
  cameraExpressions,
  canvasSize,
  compositionGraph,
  startWindow,
} from './animatic.builder';
import { type Composition, planComposition } from './animatic-composition.builder';

const spec = outputSpecFor('16:9');

function scene(overrides: Partial<StoryboardScene> = {}): StoryboardScene {
  return {
    index: 0,
    beat: 'hook',
    durationSec: 2,
    visualPrompt: 'A quiet meadow at sunrise',
    cameraMove: 'static',
    onScreenText: 'Breathe easy',
    transitionIn: 'cut',
    palette: ['#112233', '#445566', '#778899'],
    ...overrides,
  };
}

function request(overrides: Partial<AnimaticSceneRequest> = {}): AnimaticSceneRequest {
  return {
    scene: scene(),
    spec,
    durationSec: 2,
    seedFramePath: null,
    outPath: '/w/scene_0.mp4',
    seed: 1,
    ...overrides,
  };
}

/** Evaluates a zoompan expression the way zoompan would for one frame. */
function evaluate(expr: string, vars: Record<string, number>): number {
  const numeric = expr.replace(/\b(on|iw|ih|zoom)\b/g, (name) => String(vars[name]));
  if (!/^[\d.+\-*/() ]+$/.test(numeric)) throw new Error(`unexpected expression ${expr}`);
  return Function(`return (${numeric});`)() as number;
}

function compositionChains(req: AnimaticSceneRequest): string[] {
  const canvas = canvasSize(req.spec);
  return compositionGraph(planComposition({ ...req.scene, seed: req.seed }, canvas.width, canvas.height), 24, req.seed);
}

const ENCODE = [
  '-map',
  '[v]',
  '-an',
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '18',
  '-pix_fmt',
  'yuv420p',
  '-r',
  '24',
  '-g',
  '48',
];

describe(buildAnimaticSceneCommand.name, () => {
  it('renders an unseeded static scene without text from filter sources alone', () => {
    const req = request();
    expect(buildAnimaticSceneCommand(req)).toEqual({
      inputs: [],
      filterComplex: [
        ...compositionChains(req),
        '[comp]format=pix_fmts=gbrp,loop=loop=47:size=1,settb=expr=1/24,setpts=N[canvas]',
        '[canvas]crop=w=1280:h=720:x=160:y=90,format=pix_fmts=yuv420p,setsar=r=1[v]',
      ].join(';'),
      outputs: [{ path: '/w/scene_0.mp4', options: [...ENCODE, '-frames:v', '48', '-movflags', '+faststart'] }],
    });
  });

  it('writes exactly round(duration x fps) frames', () => {
    const options = buildAnimaticSceneCommand(request({ durationSec: 3.52 })).outputs[0].options;
    expect(options[options.indexOf('-frames:v') + 1]).toBe('84');
  });

  it('moves the camera with zoompan at the spec size and rate', () => {
    const graph = buildAnimaticSceneCommand(request({ scene: scene({ cameraMove: 'pan-right' }) })).filterComplex;
    expect(graph).toContain(
      '[canvas]zoompan=z=1.25:x=(iw-iw/zoom)*(on/47)*(on/47)*(3-2*on/47):y=(ih-ih/zoom)/2:d=1:s=1280x720:fps=24,' +
        'format=pix_fmts=yuv420p,setsar=r=1[v]',
    );
  });

  it('draws no on-screen text when the scene has some: composition lays it out per output', () => {
    const withText = buildAnimaticSceneCommand(request({ scene: scene({ onScreenText: 'Breathe easy' }) }));
    const without = buildAnimaticSceneCommand(request({ scene: scene({ onScreenText: '' }) }));
    expect(withText).toEqual(without);
    expect(withText.filterComplex).not.toContain('drawtext');
  });

  it('never puts the scene text or prompt into the graph', () => {
    const hostile = "x'; drawtext=text=%{pts}:[v] {\\b1}";
    const cmd = buildAnimaticSceneCommand(request({ scene: scene({ onScreenText: hostile, visualPrompt: hostile }) }));
    expect(JSON.stringify(cmd)).not.toContain('%{pts}');
    expect(cmd.filterComplex).not.toContain('b1');
  });

  it('opens a seeded scene on the seed frame and dissolves the new picture in over it', () => {
    const req = request({ seedFramePath: '/w/seed.png', scene: scene({ cameraMove: 'pan-left' }) });
    const cmd = buildAnimaticSceneCommand(req);
    expect(cmd.inputs).toEqual([{ path: '/w/seed.png', options: ['-f', 'image2', '-pattern_type', 'none'] }]);
    expect(cmd.filterComplex).toBe(
      [
        ...compositionChains(req),
        '[0:v]scale=w=1280:h=720,format=pix_fmts=gbrp,pad=w=1600:h=900:x=320:y=90,' +
          'fillborders=left=320:right=0:top=90:bottom=90:mode=mirror,loop=loop=47:size=1,settb=expr=1/24,setpts=N[seed]',
        '[comp]format=pix_fmts=gbrap,colorchannelmixer=aa=0.7,loop=loop=47:size=1,settb=expr=1/24,setpts=N,' +
          'fade=t=in:s=0:n=47:alpha=1[scene]',
        '[seed][scene]overlay=format=gbrp[canvas]',
        '[canvas]zoompan=z=1.25:x=(iw-iw/zoom)*(1-(on/47)*(on/47)*(3-2*on/47)):y=(ih-ih/zoom)/2:d=1:s=1280x720:fps=24,' +
          'format=pix_fmts=yuv420p,setsar=r=1[v]',
      ].join(';'),
    );
  });

  it('refuses a palette colour that is not #RRGGBB', () => {
    expect(() => buildAnimaticSceneCommand(request({ scene: scene({ palette: ['#112233', 'red:x=1'] }) }))).toThrow(
      RangeError,
    );
  });
});

describe(cameraExpressions.name, () => {
  const canvas = canvasSize(spec);
  const frames = 48;

  it.each(CAMERA_MOVES.map((m) => [m]))('starts %s on the frame-sized window where the seed sits', (move) => {
    const { zoom, x, y } = cameraExpressions(move as CameraMove, frames);
    const vars = { on: 0, iw: canvas.width, ih: canvas.height, zoom: 0 };
    vars.zoom = evaluate(zoom, vars);
    expect(vars.zoom).toBe(1.25);
    expect(canvas.width / vars.zoom).toBe(spec.width);
    expect({ x: evaluate(x, vars), y: evaluate(y, vars) }).toEqual(startWindow(move as CameraMove, canvas, spec));
  });

  it.each([
    ['static', 1.25, 160, 90],
    ['push-in', 1.5, 266.6667, 150],
    ['pull-out', 1, 0, 0],
    ['pan-left', 1.25, 0, 90],
    ['pan-right', 1.25, 320, 90],
    ['tilt-up', 1.25, 160, 0],
    ['tilt-down', 1.25, 160, 180],
  ] as const)('ends %s at zoom %d, window at (%d, %d)', (move, endZoom, endX, endY) => {
    const { zoom, x, y } = cameraExpressions(move, frames);
    const vars = { on: frames - 1, iw: canvas.width, ih: canvas.height, zoom: 0 };
    vars.zoom = evaluate(zoom, vars);
    expect(vars.zoom).toBeCloseTo(endZoom, 6);
    expect(evaluate(x, vars)).toBeCloseTo(endX, 3);
    expect(evaluate(y, vars)).toBeCloseTo(endY, 3);
  });
});

describe(compositionGraph.name, () => {
  it('draws the gradient once, boxes with drawbox and discs as overlaid alpha masks', () => {
    const comp: Composition = {
      width: 1600,
      height: 900,
      gradient: { colors: ['#112233', '#445566'], x0: 10, y0: 0, x1: 20, y1: 900 },
      shapes: [
        { kind: 'box', x: 0, y: 600, w: 1600, h: 300, color: '#778899', opacity: 0.55 },
        { kind: 'disc', x: 100, y: 50, size: 200, color: '#ffffff', opacity: 1 },
        { kind: 'box', x: 5, y: 6, w: 7, h: 8, color: '#000000', opacity: 0.3 },
      ],
    };
    expect(compositionGraph(comp, 24, 9)).toEqual([
      'gradients=s=1600x900:r=24:c0=0x112233:c1=0x445566:nb_colors=2:x0=10:y0=0:x1=20:y1=900:seed=9,trim=end_frame=1,' +
        'drawbox=x=0:y=600:w=1600:h=300:color=0x778899@0.55:t=fill[base0]',
      'color=c=0xFFFFFF:s=200x200:r=24,trim=end_frame=1,format=pix_fmts=rgba,' +
        'geq=r=r(X\\,Y):g=g(X\\,Y):b=b(X\\,Y):a=255*clip(100-hypot(X-99.5\\,Y-99.5)\\,0\\,1)[disc0]',
      '[base0][disc0]overlay=x=100:y=50:format=rgb,drawbox=x=5:y=6:w=7:h=8:color=0x000000@0.30:t=fill,' +
        'vignette=angle=PI/5[comp]',
    ]);
  });
});

describe(canvasSize.name, () => {
  it('is a quarter larger than the frame for every aspect ratio', () => {
    expect(canvasSize(outputSpecFor('16:9'))).toEqual({ width: 1600, height: 900 });
    expect(canvasSize(outputSpecFor('9:16'))).toEqual({ width: 900, height: 1600 });
    expect(canvasSize(outputSpecFor('1:1'))).toEqual({ width: 1350, height: 1350 });
  });

  it('refuses a size that would not give whole-pixel windows', () => {
    expect(() => canvasSize({ width: 1282, height: 720 })).toThrow(RangeError);
  });
});
