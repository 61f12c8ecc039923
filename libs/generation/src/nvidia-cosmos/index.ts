export * from './cosmos-inputs.builder';
export * from './nvcf-answer.parser';
export * from './nvcf-archive.util';
export * from './nvidia-cosmos.client';
export * from './nvidia-cosmos-video.adapter';
