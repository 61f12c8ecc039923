export * from './proto-writer';
export * from './onnx-graph.builder';
export * from './continuity-model.builder';
export * from './flash-model.builder';
