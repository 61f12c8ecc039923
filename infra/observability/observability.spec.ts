import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReelsmithMetrics } from '@app/observability';

const DIR = __dirname;

/** Every `reelsmith_*` series name a PromQL text uses, without histogram suffixes. */
function seriesIn(text: string): string[] {
  const names = text.match(/reelsmith_[a-z_]+/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

describe('infra/observability', () => {
  const known = new ReelsmithMetrics().registry.getMetricsAsArray().map((m) => m.name);

  it('holds alert rules promtool accepts', () => {
    const out = execFileSync('promtool', ['check', 'rules', join(DIR, 'alerts.rules.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });

  it('alerts on failure rate, queue age, provider errors, slot saturation and OOMs over series the code exposes', () => {
    const rules = readFileSync(join(DIR, 'alerts.rules.yml'), 'utf8');
    for (const alert of [
      'ReelsmithJobFailureRateHigh',
      'ReelsmithQueueWaitingTooLong',
      'ReelsmithProviderErrorRateHigh',
      'ReelsmithSceneSlotsSaturated',
      'ReelsmithOutOfMemory',
    ])
      expect(rules).toContain(`alert: ${alert}`);
    expect(seriesIn(rules).filter((name) => !known.includes(name))).toEqual([]);
  });

  it('has a Grafana dashboard whose every query reads a series the code exposes', () => {
    const dashboard = JSON.parse(readFileSync(join(DIR, 'reelsmith-dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    expect(seriesIn(exprs.join('\n')).filter((name) => !known.includes(name))).toEqual([]);
  });
});
