/**
 * Turns a stream of progress fractions into at most one row write per `step` of progress, so a
 * long render reports often enough for a dashboard without hammering the row. Writes are
 * serialised and their failures ignored: progress is advisory, the step's result is not.
 */
export function progressWriter(write: (percent: number) => Promise<unknown>, step = 10): (fraction: number) => void {
  let last = 0;
  let chain: Promise<unknown> = Promise.resolve();
  return (fraction: number) => {
    const percent = Math.floor(Math.min(0.99, Math.max(0, fraction)) * 100);
    if (percent < last + step) return;
    last = percent;
    chain = chain.then(() => write(percent)).catch(() => undefined);
  };
}
