import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { APP_CONFIG, type AppConfig, awsClientLogger, awsClientTimeouts } from '@app/config';

export const S3_CLIENT = Symbol('S3_CLIENT');

/** `timeouts` (the apps' DEPENDENCY_TIMEOUT_MS) bound a stalled endpoint. */
export function createS3Client(opts: {
  endpoint: string | null;
  region: string;
  timeouts?: AppConfig['dependencies'];
}): S3Client {
  return new S3Client({
    region: opts.region,
    logger: awsClientLogger,
    ...(opts.timeouts ? awsClientTimeouts(opts.timeouts) : {}),
    // Checksums only where S3 requires them: the default streams uploads as aws-chunked with
    // trailers, which S3-compatible stores such as s3rver save verbatim, framing and all.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(opts.endpoint
      ? {
          endpoint: opts.endpoint,
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
  });
}

/**
 * Read-only CORS for presigned GETs from any page: a presigned URL is the credential, CORS only lets
 * the studio's player read what the URL already grants (a captions track must be fetched with CORS).
 */
export const ARTIFACT_CORS_RULES = [
  { AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAgeSeconds: 3600 },
];

/** Creates the bucket when it does not exist yet (embedded stack and tests; deploy creates it in infra/). */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: ARTIFACT_CORS_RULES } }));
}

/** Artifacts in S3: upload from files, download to files, metadata for reuse checks, presigned reads. */
@Injectable()
export class ArtifactStore {
  private readonly bucket: string;
  private readonly presignTtlSec: number;

  constructor(
    @Inject(S3_CLIENT) private readonly s3: S3Client,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.bucket = config.s3.bucket;
    this.presignTtlSec = config.presignTtlSec;
  }

  async ping(): Promise<void> {
    await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async putFile(key: string, path: string, contentType: string, metadata: Record<string, string> = {}): Promise<void> {
    const { size } = await stat(path);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: size,
        ContentType: contentType,
        Metadata: metadata,
      }),
    );
  }

  async putBuffer(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: contentType,
      }),
    );
  }

  /** A small object whole (an asset answered inline as base64). */
  async readBuffer(key: string): Promise<Buffer> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await Body!.transformToByteArray());
  }

  async putJson(key: string, value: unknown, metadata: Record<string, string> = {}): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value, null, 2),
        ContentType: 'application/json',
        Metadata: metadata,
      }),
    );
  }

  async getJson<T>(key: string): Promise<T | null> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse(await Body!.transformToString('utf8')) as T;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async downloadTo(key: string, path: string): Promise<void> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    await pipeline(Body as Readable, createWriteStream(path));
  }

  /** The object's user metadata, or null when it does not exist. */
  async head(key: string): Promise<Record<string, string> | null> {
    try {
      const { Metadata } = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return Metadata ?? {};
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** The object as a stream, read as it is consumed (nothing is buffered whole). */
  async openRead(key: string, signal?: AbortSignal): Promise<{ body: Readable; size: number | null }> {
    const { Body, ContentLength } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      abortSignal: signal,
    });
    return { body: Body as Readable, size: ContentLength ?? null };
  }

  presign(key: string): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.presignTtlSec,
    });
  }

  /** A presigned URL whose answer makes a browser save the object as `filename` instead of showing it. */
  presignDownload(key: string, filename: string): Promise<string> {
    const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${safe}"`,
      }),
      { expiresIn: this.presignTtlSec },
    );
  }

  /** The origin presigned URLs point at (the S3 endpoint, or the bucket's AWS host): pages that show artifacts must allow it. */
  async presignedOrigin(): Promise<string> {
    return new URL(await this.presign('origin-probe')).origin;
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}
