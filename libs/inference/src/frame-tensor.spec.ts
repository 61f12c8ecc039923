import { rgb24ToTensor } from './frame-tensor';

describe(rgb24ToTensor.name, () => {
  it('turns packed RGB bytes into planar NCHW floats in [0,1]', () => {
    // Two 2x1 frames: (red, green) then (blue, white).
    const bytes = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    const tensor = rgb24ToTensor(bytes, { width: 2, height: 1 });
    expect(tensor.dims).toEqual([2, 3, 1, 2]);
    expect([...tensor.data]).toEqual([1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1]);
  });

  it('scales 8-bit values by 1/255 and drops a trailing partial frame', () => {
    const tensor = rgb24ToTensor(Uint8Array.from([51, 102, 204, 7]), { width: 1, height: 1 });
    expect(tensor.dims).toEqual([1, 3, 1, 1]);
    expect([...tensor.data].map((v) => Math.round(v * 1000) / 1000)).toEqual([0.2, 0.4, 0.8]);
  });
});
