import { type CameraMove, type OutputSpec, type StoryboardScene } from '@app/domain';
import { type Composition, planComposition, type Shape } from './animatic-composition.builder';
import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { escapeFilterValue, ffmpegColour } from '../ffmpeg/filter-syntax.util';
import { normalisedClipOptions } from '../clip/clip-encode';

export interface AnimaticSceneRequest {
  scene: StoryboardScene;
  spec: OutputSpec;
  durationSec: number;
  /** Last frame of the previous clip, a PNG at exactly spec size; the new clip opens on it. */
  seedFramePath: string | null;
  outPath: string;
  seed: number;
}

/**
 * The camera looks at a canvas a quarter larger than the frame, so pans and pull-outs have
 * picture to move over while every move still starts on a frame-sized window (zoom 1 relative to
 * the output). 1.25 keeps the canvas and that first window exact integers for sizes divisible by 4.
 */
export const CANVAS_SCALE = 1.25;
/** How much of the new scene shows through by the end of a clip that opened on a seed frame. */
export const SEEDED_SCENE_OPACITY = 0.7;
/** Push-in ends 20% closer; pull-out ends on the whole canvas (zoom 1). */
const PUSH_IN_GROWTH = '0.2';
const PULL_OUT_SHRINK = '0.25';

export function canvasSize(spec: Pick<OutputSpec, 'width' | 'height'>): { width: number; height: number } {
  if (spec.width % 4 || spec.height % 4) {
    throw new RangeError(`animatic size must be divisible by 4, got ${spec.width}x${spec.height}`);
  }
  return { width: spec.width * CANVAS_SCALE, height: spec.height * CANVAS_SCALE };
}

/** Where the first frame's window sits on the canvas: where the seed frame is placed. */
export function startWindow(move: CameraMove, canvas: { width: number; height: number }, spec: OutputSpec) {
  const maxX = canvas.width - spec.width;
  const maxY = canvas.height - spec.height;
  switch (move) {
    case 'pan-left':
      return { x: maxX, y: maxY / 2 };
    case 'pan-right':
      return { x: 0, y: maxY / 2 };
    case 'tilt-up':
      return { x: maxX / 2, y: maxY };
    case 'tilt-down':
      return { x: maxX / 2, y: 0 };
    default:
      return { x: maxX / 2, y: maxY / 2 };
  }
}

/**
 * zoompan expressions. `zoom` is relative to the canvas, so CANVAS_SCALE is a frame-sized window;
 * every move starts there exactly (eased progress is 0 on frame 0) and eases in and out.
 */
export function cameraExpressions(move: CameraMove, frames: number): { zoom: string; x: string; y: string } {
  const p = `on/${Math.max(1, frames - 1)}`;
  const eased = `(${p})*(${p})*(3-2*${p})`;
  const cx = '(iw-iw/zoom)/2';
  const cy = '(ih-ih/zoom)/2';
  const z = String(CANVAS_SCALE);
  switch (move) {
    case 'push-in':
      return { zoom: `${z}*(1+${PUSH_IN_GROWTH}*${eased})`, x: cx, y: cy };
    case 'pull-out':
      return { zoom: `${z}-${PULL_OUT_SHRINK}*${eased}`, x: cx, y: cy };
    case 'pan-left':
      return { zoom: z, x: `(iw-iw/zoom)*(1-${eased})`, y: cy };
    case 'pan-right':
      return { zoom: z, x: `(iw-iw/zoom)*${eased}`, y: cy };
    case 'tilt-up':
      return { zoom: z, x: cx, y: `(ih-ih/zoom)*(1-${eased})` };
    case 'tilt-down':
      return { zoom: z, x: cx, y: `(ih-ih/zoom)*${eased}` };
    case 'static':
      return { zoom: z, x: cx, y: cy };
  }
}

function option(name: string, value: string | number): string {
  return `${name}=${typeof value === 'number' ? value : escapeFilterValue(value)}`;
}

function filter(name: string, options: [string, string | number][]): string {
  return options.length ? `${name}=${options.map(([k, v]) => option(k, v)).join(':')}` : name;
}

function discSource(shape: Extract<Shape, { kind: 'disc' }>, fps: number): string {
  const r = shape.size / 2;
  const c = (shape.size - 1) / 2;
  // Alpha from distance to the centre, one pixel of ramp for a clean edge; drawn once, then looped.
  return [
    filter('color', [
      ['c', ffmpegColour(shape.color)],
      ['s', `${shape.size}x${shape.size}`],
      ['r', fps],
    ]),
    filter('trim', [['end_frame', 1]]),
    filter('format', [['pix_fmts', 'rgba']]),
    filter('geq', [
      ['r', 'r(X,Y)'],
      ['g', 'g(X,Y)'],
      ['b', 'b(X,Y)'],
      ['a', `${Math.round(255 * shape.opacity)}*clip(${r}-hypot(X-${c},Y-${c}),0,1)`],
    ]),
  ].join(',');
}

/** The scene's still picture on the canvas, labelled `[comp]`; built once, then looped. */
export function compositionGraph(comp: Composition, fps: number, seed: number): string[] {
  const chains: string[] = [];
  const g = comp.gradient;
  let current = [
    filter('gradients', [
      ['s', `${comp.width}x${comp.height}`],
      ['r', fps],
      ...g.colors.map((c, i): [string, string] => [`c${i}`, ffmpegColour(c)]),
      ['nb_colors', g.colors.length],
      ['x0', g.x0],
      ['y0', g.y0],
      ['x1', g.x1],
      ['y1', g.y1],
      ['seed', seed],
    ]),
    filter('trim', [['end_frame', 1]]),
  ].join(',');
  let discs = 0;
  for (const shape of comp.shapes) {
    if (shape.kind === 'box') {
      current += `,${filter('drawbox', [
        ['x', shape.x],
        ['y', shape.y],
        ['w', shape.w],
        ['h', shape.h],
        ['color', ffmpegColour(shape.color, shape.opacity)],
        ['t', 'fill'],
      ])}`;
    } else {
      const k = discs++;
      chains.push(`${current}[base${k}]`, `${discSource(shape, fps)}[disc${k}]`);
      current = `[base${k}][disc${k}]${filter('overlay', [
        ['x', shape.x],
        ['y', shape.y],
        ['format', 'rgb'],
      ])}`;
    }
  }
  chains.push(`${current},${filter('vignette', [['angle', 'PI/5']])}[comp]`);
  return chains;
}

/**
 * A preview clip for one storyboard scene: palette gradient and shapes from the prompt and the
 * scene's camera move. No type: composition lays the on-screen text out per output ratio, so a
 * clip (and the seed frame taken from its end) stays clean picture. With a seed frame the clip
 * opens on that frame exactly and the new scene dissolves in over it, so a continuous cut is seamless.
 */
export function buildAnimaticSceneCommand(req: AnimaticSceneRequest): FfmpegCommand {
  const { scene, spec } = req;
  const fps = spec.fps;
  const frames = Math.max(1, Math.round(req.durationSec * fps));
  const canvas = canvasSize(spec);
  const comp = planComposition({ ...scene, seed: req.seed }, canvas.width, canvas.height);
  const loop = `${filter('loop', [
    ['loop', frames - 1],
    ['size', 1],
  ])},${filter('settb', [['expr', `1/${fps}`]])},setpts=N`;

  const chains = compositionGraph(comp, fps, req.seed);
  const inputs: FfmpegCommand['inputs'] = [];
  if (req.seedFramePath) {
    inputs.push({ path: req.seedFramePath, options: ['-f', 'image2', '-pattern_type', 'none'] });
    const at = startWindow(scene.cameraMove, canvas, spec);
    chains.push(
      `[0:v]${[
        filter('scale', [
          ['w', spec.width],
          ['h', spec.height],
        ]),
        filter('format', [['pix_fmts', 'gbrp']]),
        filter('pad', [
          ['w', canvas.width],
          ['h', canvas.height],
          ['x', at.x],
          ['y', at.y],
        ]),
        // Mirror the seed outwards so a move away from it reveals more of the same picture, not a seam.
        filter('fillborders', [
          ['left', at.x],
          ['right', canvas.width - spec.width - at.x],
          ['top', at.y],
          ['bottom', canvas.height - spec.height - at.y],
          ['mode', 'mirror'],
        ]),
        loop,
      ].join(',')}[seed]`,
      `[comp]${[
        filter('format', [['pix_fmts', 'gbrap']]),
        filter('colorchannelmixer', [['aa', SEEDED_SCENE_OPACITY]]),
        loop,
        filter('fade', [
          ['t', 'in'],
          ['s', 0],
          ['n', Math.max(1, frames - 1)],
          ['alpha', 1],
        ]),
      ].join(',')}[scene]`,
      `[seed][scene]${filter('overlay', [['format', 'gbrp']])}[canvas]`,
    );
  } else {
    chains.push(`[comp]${filter('format', [['pix_fmts', 'gbrp']])},${loop}[canvas]`);
  }

  const camera = cameraExpressions(scene.cameraMove, frames);
  const video = [
    scene.cameraMove === 'static'
      ? filter('crop', [
          ['w', spec.width],
          ['h', spec.height],
          ['x', (canvas.width - spec.width) / 2],
          ['y', (canvas.height - spec.height) / 2],
        ])
      : filter('zoompan', [
          ['z', camera.zoom],
          ['x', camera.x],
          ['y', camera.y],
          ['d', 1],
          ['s', `${spec.width}x${spec.height}`],
          ['fps', fps],
        ]),
    filter('format', [['pix_fmts', 'yuv420p']]),
    filter('setsar', [['r', 1]]),
  ];
  chains.push(`[canvas]${video.join(',')}[v]`);

  return {
    inputs,
    filterComplex: chains.join(';'),
    outputs: [
      {
        path: req.outPath,
        options: normalisedClipOptions(fps, frames),
      },
    ],
  };
}
