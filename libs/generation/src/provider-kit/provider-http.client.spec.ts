import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressInfo } from 'node:net';
import { errorFromStatus, parseRetryAfter, ProviderHttpClient, providerMessage } from './provider-http.client';
import { Errors } from '@app/domain';

describe(parseRetryAfter.name, () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe(providerMessage.name, () => {
  it('finds the message in FastAPI, RFC 7807 and OpenAI error bodies', () => {
    expect(providerMessage('{"detail":"Video not found"}')).toBe('Video not found');
    expect(providerMessage('{"detail":[{"loc":["body","prompt"],"msg":"Field required"}]}')).toBe(
      'body.prompt: Field required',
    );
    expect(providerMessage('{"title":"Unauthenticated","status":401}')).toBe('Unauthenticated');
    expect(providerMessage('{"error":{"message":"bad model"}}')).toBe('bad model');
    expect(providerMessage('<html>502</html>')).toBe('<html>502</html>');
  });
});

describe(errorFromStatus.name, () => {
  const headers = new Headers({ 'retry-after': '2' });
  it.each([
    [429, Errors.providerRateLimited.code, true],
    [401, Errors.providerUnauthorized.code, false],
    [403, Errors.providerUnauthorized.code, false],
    [408, Errors.providerTimeout.code, true],
    [422, Errors.providerRejected.code, false],
    [404, Errors.providerRejected.code, false],
    [500, Errors.providerUnavailable.code, true],
    [503, Errors.providerUnavailable.code, true],
  ])('maps %i to %s (retryable %s)', (status, code, retryable) => {
    const error = errorFromStatus('p', status, headers, '{"detail":"x"}', 'GET /v1/x');
    expect(error).toMatchObject({ code, retryable, details: { provider: 'p', providerStatus: status } });
  });

  it('carries the Retry-After of a 429', () => {
    expect(errorFromStatus('p', 429, headers, '', 'POST /x').retryAfterMs).toBe(2_000);
  });
});

describe(ProviderHttpClient.name, () => {
  it('turns a call that outlives its timeout into PROVIDER.TIMEOUT', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const client = new ProviderHttpClient('p', hanging);
    await expect(client.json({ method: 'GET', url: 'http://x/v1/a', timeoutMs: 20 })).rejects.toMatchObject({
      code: Errors.providerTimeout.code,
      retryable: true,
    });
  });

  it('keeps the caller cancelling apart from a timeout', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const controller = new AbortController();
    const call = new ProviderHttpClient('p', hanging).json({
      method: 'GET',
      url: 'http://x/a',
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('calls a 200 whose body is not JSON PROVIDER.BAD_OUTPUT', async () => {
    const client = new ProviderHttpClient('p', async () => new Response('{"id": ', { status: 200 }));
    await expect(client.json({ method: 'GET', url: 'http://x/a', timeoutMs: 1_000 })).rejects.toMatchObject({
      code: Errors.providerBadOutput.code,
    });
  });

  it('marks a refused connection as safe to send again', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new ProviderHttpClient('p');
    await expect(
      client.json({ method: 'POST', url: `http://127.0.0.1:${port}/v1/videos`, timeoutMs: 1_000 }),
    ).rejects.toMatchObject({
      code: Errors.providerUnavailable.code,
      details: { connectFailed: true },
    });
  });

  it('answers a redirect without following it when asked, and sends bytes as they are', async () => {
    const seen: { method: string; type?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, type: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
        if (req.url === '/moved') res.writeHead(302, { location: 'http://elsewhere.invalid/file.zip' }).end();
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new ProviderHttpClient('p');
    try {
      const moved = await client.bytes({ method: 'GET', url: `${base}/moved`, timeoutMs: 1_000, redirect: 'manual' });
      expect(moved.status).toBe(302);
      expect(moved.headers.get('location')).toBe('http://elsewhere.invalid/file.zip');
      await client.bytes({
        method: 'PUT',
        url: `${base}/upload`,
        headers: { 'content-type': 'image/png' },
        body: Buffer.from('png bytes'),
        timeoutMs: 1_000,
      });
      expect(seen[1]).toEqual({ method: 'PUT', type: 'image/png', body: 'png bytes' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a body over the cap as it streams (a 2 GB answer), cutting the transfer and leaving no file', async () => {
    const TWO_GB = 2 * 1024 ** 3;
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const server = createServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(TWO_GB) });
        res.write(chunk);
        return;
      }
      // no Content-Length: the cap must hold on the stream itself
      res.writeHead(200, { 'content-type': 'video/mp4' });
      const pump = () => {
        while (sent < TWO_GB && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => res.off('drain', pump));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = await mkdtemp(join(tmpdir(), 'download-cap-'));
    const client = new ProviderHttpClient('p');
    try {
      for (const path of ['/streamed', '/declared']) {
        const target = join(dir, 'clip.mp4');
        await expect(
          client.download({ method: 'GET', url: `${base}${path}`, timeoutMs: 10_000 }, target, 1024 * 1024),
        ).rejects.toMatchObject({ code: Errors.providerBadOutput.code });
        expect(existsSync(target)).toBe(false);
      }
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
