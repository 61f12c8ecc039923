import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { FakeReplicateServer } from './fake-replicate.server';

const TOKEN = 'r8_fake';
const secret = `whsec_${randomBytes(24).toString('base64')}`;

describe(FakeReplicateServer.name, () => {
  let fake: FakeReplicateServer;
  let receiver: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];

  beforeAll(async () => {
    fake = await FakeReplicateServer.start({
      tokens: [TOKEN],
      webhookSecret: secret,
      startingMs: 20,
      processingMs: 80,
    });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await fake.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const post = (path: string, body: unknown, token = TOKEN) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const kling = '/v1/models/kwaivgi/kling-v2.5-turbo-pro/predictions';

  it('answers 401 problem+json to an unknown token', async () => {
    const res = await post(kling, { input: { prompt: 'x' } }, 'r8_nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ title: 'Unauthenticated', detail: expect.any(String), status: 401 });
  });

  it('checks inputs against the model schema and lists every invalid field', async () => {
    const res = await post(kling, { input: { duration: 7, colour: 'red', start_image: 'not-a-url' }, extra: 1 });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { title: string; invalid_fields: { field: string; description: string }[] };
    expect(body.title).toBe('Input validation failed');
    expect(body.invalid_fields.map((f) => f.description)).toEqual(
      expect.arrayContaining([
        'Additional property extra is not allowed',
        'prompt is required',
        'duration must be one of the following: 5, 10',
        'start_image must be a URL or data URL',
        'Additional property colour is not allowed',
      ]),
    );
  });

  it('runs a prediction to success, serves its output and signs the completed webhook', async () => {
    const image = `data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`;
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const res = await post(kling, {
      input: { prompt: 'x', duration: 5, start_image: image },
      webhook,
      webhook_events_filter: ['completed'],
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; status: string; urls: { get: string; cancel: string } };
    expect(created.status).toBe('starting');
    expect(fake.predictions.get(created.id)!.files.start_image).toMatchObject({ type: 'image/png', size: 9 });

    await new Promise((r) => setTimeout(r, 250));
    const done = (await (await fetch(created.urls.get, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      status: string;
      output: string;
    };
    expect(done.status).toBe('succeeded');
    expect((await fetch(done.output)).headers.get('content-type')).toBe('video/mp4');

    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(JSON.parse(body)).toMatchObject({ id: created.id, status: 'succeeded' });
    expect(fake.webhooks).toEqual([
      expect.objectContaining({ predictionId: created.id, status: 200, event: 'completed' }),
    ]);
  });

  it('answers FLUX.1 [schnell] with a list of pictures at its aspect ratio sizes, in the asked format', async () => {
    const flux = '/v1/models/black-forest-labs/flux-schnell/predictions';
    const refused = await post(flux, { input: { prompt: 'x', width: 640, aspect_ratio: '7:5', num_outputs: 5 } });
    expect(refused.status).toBe(422);
    expect(
      ((await refused.json()) as { invalid_fields: { description: string }[] }).invalid_fields.map(
        (f) => f.description,
      ),
    ).toEqual(
      expect.arrayContaining([
        'Additional property width is not allowed',
        expect.stringMatching(/^aspect_ratio must be one of the following: 1:1, 16:9/),
        'num_outputs must be between 1 and 4',
      ]),
    );

    const res = await post(flux, {
      input: { prompt: 'x', aspect_ratio: '16:9', num_outputs: 2, output_format: 'png' },
    });
    expect(res.status).toBe(201);
    const { urls } = (await res.json()) as { urls: { get: string } };
    await new Promise((r) => setTimeout(r, 250));
    const done = (await (await fetch(urls.get, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      status: string;
      output: string[];
    };
    expect(done.status).toBe('succeeded');
    expect(done.output).toHaveLength(2);
    const png = await fetch(done.output[1]);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    // IHDR: width and height of the 16:9 picture at 1 megapixel
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1344, 768]);
  });

  it('cancels, throttles one token and removes outputs like the real service', async () => {
    const { id } = (await (await post(kling, { input: { prompt: 'x' } })).json()) as { id: string };
    const canceled = (await (await post(`/v1/predictions/${id}/cancel`, {})).json()) as { status: string };
    expect(canceled.status).toBe('canceled');

    fake.throttleToken(TOKEN, 1, 7);
    const limited = await post(kling, { input: { prompt: 'x' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { detail: string }).detail).toMatch(/throttled/);

    const { id: later } = (await (await post(kling, { input: { prompt: 'x' } })).json()) as { id: string };
    await new Promise((r) => setTimeout(r, 150));
    fake.removeOutputs();
    const removed = (await (
      await fetch(`${fake.url}/v1/predictions/${later}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as {
      output: unknown;
      data_removed: boolean;
    };
    expect(removed).toMatchObject({ output: null, data_removed: true });
    expect(fake.maxConcurrent(TOKEN)).toBeGreaterThanOrEqual(1);
  });
});
