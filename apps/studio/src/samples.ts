// The sample briefs of examples/briefs, bundled at build time (no request needed to offer them).
const files = import.meta.glob<Record<string, unknown>>('../../../examples/briefs/*.json', {
  eager: true,
  import: 'default',
});

export const SAMPLES: Array<{ name: string; brief: Record<string, unknown> }> = Object.entries(files)
  .map(([path, brief]) => ({ name: path.replace(/^.*\//, '').replace(/\.json$/, ''), brief }))
  .sort((a, b) => a.name.localeCompare(b.name));
