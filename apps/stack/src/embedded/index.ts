// Local stand-ins for the managed services (ElastiCache/Redis, DynamoDB, S3), for `npm start` and tests.
export * from './embedded-redis';
export * from './embedded-dynamo';
export * from './embedded-s3';
