import { createHmac, randomBytes } from 'node:crypto';
import { acceptReplicateWebhook, ReplicateWebhookWaiter } from './replicate-webhook.waiter';

describe(ReplicateWebhookWaiter.name, () => {
  it('hands a terminal delivery to the waiter for that prediction', async () => {
    const waiter = new ReplicateWebhookWaiter();
    const waiting = waiter.terminal('p1', 5_000);
    waiter.deliver({ id: 'p2', status: 'succeeded' });
    waiter.deliver({ id: 'p1', status: 'processing' });
    waiter.deliver({ id: 'p1', status: 'succeeded', output: 'https://x/y.mp4' });
    await expect(waiting).resolves.toMatchObject({ id: 'p1', status: 'succeeded' });
    expect(waiter.pending).toBe(0);
  });

  it('keeps a delivery that came before anyone waited', async () => {
    const waiter = new ReplicateWebhookWaiter();
    waiter.deliver({ id: 'p1', status: 'failed', error: 'boom' });
    await expect(waiter.terminal('p1', 0)).resolves.toMatchObject({ status: 'failed' });
  });

  it('resolves null when nothing arrives in time, and rejects when aborted', async () => {
    const waiter = new ReplicateWebhookWaiter();
    await expect(waiter.terminal('p1', 10)).resolves.toBeNull();
    const controller = new AbortController();
    const waiting = waiter.terminal('p1', 5_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(waiter.pending).toBe(0);
  });
});

describe(acceptReplicateWebhook.name, () => {
  const key = randomBytes(16);
  const secret = `whsec_${key.toString('base64')}`;
  const signed = (body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', key).update(`msg_1.${timestamp}.${body}`).digest('base64');
    return { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
  };

  it('returns the verified prediction', () => {
    const body = JSON.stringify({ id: 'p1', status: 'succeeded' });
    expect(acceptReplicateWebhook(secret, signed(body), body)).toEqual({
      webhookId: 'msg_1',
      prediction: { id: 'p1', status: 'succeeded' },
    });
  });

  it('refuses a signed body that is not a prediction', () => {
    const body = '{"hello":1}';
    expect(() => acceptReplicateWebhook(secret, signed(body), body)).toThrow(
      expect.objectContaining({ reason: 'malformed-body' }),
    );
  });
});
