import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One datum as CloudWatch received it. */
export interface ReceivedDatum {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  value: number;
  unit: string | null;
  /** epoch milliseconds */
  timestamp: number | null;
}

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const JSON_1_0 = 'application/x-amz-json-1.0';
// StandardUnit of the CloudWatch API reference
const UNITS = new Set(
  (
    'Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits ' +
    'Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second ' +
    'Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None'
  ).split(' '),
);
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/monitoring\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;

interface PutMetricDataInput {
  Namespace?: unknown;
  MetricData?: Array<{
    MetricName?: unknown;
    Dimensions?: Array<{ Name?: unknown; Value?: unknown }>;
    Value?: unknown;
    Unit?: unknown;
    Timestamp?: unknown;
  }>;
}

/**
 * A local CloudWatch that speaks the wire protocol the pinned `@aws-sdk/client-cloudwatch` sends:
 * AWS JSON 1.0 (`POST /`, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, timestamps as
 * epoch seconds, query-compatible errors), a SigV4 signature for the `monitoring` service, and
 * gzip bodies (the SDK compresses large PutMetricData requests). Only PutMetricData is served;
 * anything else (another operation, another protocol such as awsQuery or rpcv2 CBOR) is answered
 * as an error that names it, so a change of protocol in the SDK fails loudly.
 */
export class FakeCloudWatchServer {
  readonly datums: ReceivedDatum[] = [];
  /** one entry per request, problems included */
  readonly requests: Array<{ target: string | null; region: string | null; problem: string | null }> = [];
  /** answers the next requests with this status and error (e.g. 503 throttling) while above 0 */
  failNext = 0;
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeCloudWatchServer> {
    let instance: FakeCloudWatchServer | null = null;
    const server = createServer((req, res) => instance!.handle(req, res));
    instance = new FakeCloudWatchServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests have arrived in all. */
  async requestsReceived(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.requests.length} of ${count} CloudWatch requests arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = header(req, 'x-amz-target');
      const region = SIGV4.exec(header(req, 'authorization') ?? '')?.[1] ?? null;
      let problem: string | null = null;
      let status = 200;
      let type = '';
      try {
        const raw = Buffer.concat(chunks);
        const body = header(req, 'content-encoding') === 'gzip' ? gunzipSync(raw) : raw;
        const contentType = header(req, 'content-type') ?? '';
        if (req.method !== 'POST' || req.url !== '/')
          throw new Refusal(404, 'UnknownOperationException', 'POST / only');
        if (!contentType.startsWith(JSON_1_0))
          throw new Refusal(400, 'UnknownOperationException', `not AWS JSON 1.0: content-type ${contentType}`);
        if (!region) throw new Refusal(403, 'IncompleteSignature', 'no SigV4 signature for the monitoring service');
        if (target !== `${TARGET_PREFIX}PutMetricData`)
          throw new Refusal(400, 'UnknownOperationException', `operation ${target} is not served here`);
        if (this.failNext > 0) {
          this.failNext--;
          throw new Refusal(503, 'ServiceUnavailable', 'try again');
        }
        this.datums.push(...parsePutMetricData(JSON.parse(body.toString('utf8')) as PutMetricDataInput));
      } catch (error) {
        const refusal = error instanceof Refusal ? error : new Refusal(400, 'SerializationException', String(error));
        ({ status, type, message: problem } = refusal);
      }
      this.requests.push({ target, region, problem });
      res.writeHead(status, {
        'content-type': JSON_1_0,
        'x-amzn-requestid': `req-${this.requests.length}`,
        ...(problem ? { 'x-amzn-query-error': `${type};${status < 500 ? 'Sender' : 'Receiver'}` } : {}),
      });
      res.end(problem ? JSON.stringify({ __type: `com.amazonaws.cloudwatch#${type}`, message: problem }) : '{}');
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** PutMetricData's input as the API reference constrains it. */
function parsePutMetricData(input: PutMetricDataInput): ReceivedDatum[] {
  const invalid = (message: string) => new Refusal(400, 'InvalidParameterValue', message);
  const namespace = input.Namespace;
  if (typeof namespace !== 'string' || !namespace || namespace.startsWith('AWS/'))
    throw invalid(`bad Namespace ${String(namespace)}`);
  const data = input.MetricData;
  if (!Array.isArray(data) || data.length < 1 || data.length > 1000) throw invalid('MetricData: 1 to 1000 items');
  return data.map((d, i) => {
    if (typeof d.MetricName !== 'string' || !d.MetricName) throw invalid(`MetricData.${i}.MetricName missing`);
    if (typeof d.Value !== 'number' || !Number.isFinite(d.Value)) throw invalid(`MetricData.${i}.Value not a number`);
    if (d.Unit !== undefined && !UNITS.has(String(d.Unit))) throw invalid(`MetricData.${i}.Unit ${String(d.Unit)}`);
    if (d.Timestamp !== undefined && typeof d.Timestamp !== 'number')
      throw invalid(`MetricData.${i}.Timestamp is not epoch seconds`);
    const dimensions = d.Dimensions ?? [];
    if (dimensions.length > 30) throw invalid(`MetricData.${i}.Dimensions: at most 30`);
    return {
      namespace,
      metricName: d.MetricName,
      dimensions: Object.fromEntries(
        dimensions.map((dim, j) => {
          if (typeof dim.Name !== 'string' || typeof dim.Value !== 'string' || !dim.Name || !dim.Value)
            throw invalid(`MetricData.${i}.Dimensions.${j}: Name and Value required`);
          return [dim.Name, dim.Value];
        }),
      ),
      value: d.Value,
      unit: d.Unit === undefined ? null : String(d.Unit),
      timestamp: typeof d.Timestamp === 'number' ? Math.round(d.Timestamp * 1000) : null,
    };
  });
}
