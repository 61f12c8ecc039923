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
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { APP_CONFIG, type AppConfig } from '@app/config';

export const S3_CLIENT = Symbol('S3_CLIENT');

export function createS3Client(opts: { endpoint: string | null; region: string }): S3Client {
  return new S3Client({
    region: opts.region,
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

/** Creates the bucket when it does not exist yet (embedded stack and tests; deploy creates it in infra/). */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
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

  presign(key: string): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.presignTtlSec,
    });
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}
