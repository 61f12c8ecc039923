import { outputSpecFor } from '@app/domain';
import { centreCropSize, fitSize, reframeGraph } from './reframe.builder';

const master = outputSpecFor('16:9');

describe(reframeGraph.name, () => {
  it('leaves an output at the master size untouched', () => {
    expect(reframeGraph('[m0]', master, outputSpecFor('16:9'), 'crop', '0')).toEqual({ chains: [], label: '[m0]' });
  });

  it('centre-crops the master to the output’s aspect and scales it to size', () => {
    expect(reframeGraph('[m1]', master, outputSpecFor('9:16'), 'crop', '1')).toEqual({
      chains: ['[m1]crop=w=404:h=720,scale=w=720:h=1280,setsar=1[r1]'],
      label: '[r1]',
    });
    expect(reframeGraph('[m2]', master, outputSpecFor('1:1'), 'crop', '2').chains).toEqual([
      '[m2]crop=w=720:h=720,scale=w=1080:h=1080,setsar=1[r2]',
    ]);
  });

  it('fits the whole master over a blurred, darkened fill made at an eighth of the size', () => {
    expect(reframeGraph('[m1]', master, outputSpecFor('9:16'), 'blur', '1')).toEqual({
      chains: [
        '[m1]split=2[fg1][bg1]',
        '[bg1]crop=w=404:h=720,scale=w=90:h=160,boxblur=luma_radius=4:luma_power=2,eq=brightness=-0.06,' +
          'scale=w=720:h=1280:flags=bilinear[fill1]',
        '[fg1]scale=w=720:h=404[fit1]',
        '[fill1][fit1]overlay=x=0:y=438,setsar=1[r1]',
      ],
      label: '[r1]',
    });
  });

  it('reframes a vertical master to landscape the other way round', () => {
    const vertical = outputSpecFor('9:16');
    expect(centreCropSize(vertical, master)).toEqual({ width: 720, height: 404 });
    expect(fitSize(vertical, master)).toEqual({ width: 404, height: 720 });
    expect(reframeGraph('[m]', vertical, master, 'blur', 'x').chains[3]).toBe(
      '[fillx][fitx]overlay=x=438:y=0,setsar=1[rx]',
    );
  });
});
