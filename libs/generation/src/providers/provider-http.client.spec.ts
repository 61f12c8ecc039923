import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ProviderErrorCodes } from '../throughput/provider.errors';
import { errorFromStatus, parseRetryAfter, ProviderHttpClient, providerMessage } from './provider-http.client';

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
    [429, ProviderErrorCodes.rateLimited, true],
    [401, ProviderErrorCodes.unauthorized, false],
    [403, ProviderErrorCodes.unauthorized, false],
    [408, ProviderErrorCodes.timeout, true],
    [422, ProviderErrorCodes.rejected, false],
    [404, ProviderErrorCodes.rejected, false],
    [500, ProviderErrorCodes.unavailable, true],
    [503, ProviderErrorCodes.unavailable, true],
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
      code: ProviderErrorCodes.timeout,
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
      code: ProviderErrorCodes.badOutput,
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
      code: ProviderErrorCodes.unavailable,
      details: { connectFailed: true },
    });
  });
});
