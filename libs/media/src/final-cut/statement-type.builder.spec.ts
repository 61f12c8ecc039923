import { outputSpecFor, type AspectRatio } from '@app/domain';
import { CAP_HEIGHT_PER_FONT_SIZE, statementBlockLayout, statementEvents } from './statement-type.builder';

describe('statement type', () => {
  it.each(['16:9', '9:16', '1:1'] as AspectRatio[])(
    'sets %s capitals over 3.5%% of the height, on a plate inside the title-safe area',
    (ratio) => {
      const spec = outputSpecFor(ratio);
      const layout = statementBlockLayout(spec, 'Side effects may include headache, dry mouth,');

      expect((layout.fontSize * CAP_HEIGHT_PER_FONT_SIZE) / spec.height).toBeGreaterThanOrEqual(0.035);
      const { plate, titleSafe } = layout;
      expect(plate.x).toBeGreaterThanOrEqual(titleSafe.x);
      expect(plate.y).toBeGreaterThanOrEqual(titleSafe.y);
      expect(plate.x + plate.width).toBeLessThanOrEqual(titleSafe.x + titleSafe.width);
      expect(plate.y + plate.height).toBeLessThanOrEqual(titleSafe.y + titleSafe.height);
      expect(layout.rows.join(' ')).toBe('Side effects may include headache, dry mouth,');
    },
  );

  it('draws each line on its plate for exactly its own span, one block at a time', () => {
    const events = statementEvents(outputSpecFor('16:9'), [
      { text: 'Use only as directed.', startSec: 10, endSec: 12.4 },
      { text: 'Not for children under 6.', startSec: 12.4, endSec: 15 },
    ]);

    expect(events).toHaveLength(4);
    expect(events[0]).toMatch(/^Dialogue: 5,0:00:10\.00,0:00:12\.40,Statement,.*\\p1}m 0 0 l /);
    expect(events[1]).toMatch(/^Dialogue: 6,0:00:10\.00,0:00:12\.40,Statement,.*}Use only as directed\.$/);
    expect(events[3]).toMatch(/^Dialogue: 6,0:00:12\.40,0:00:15\.00,Statement,.*}Not for children under 6\.$/);
  });
});
