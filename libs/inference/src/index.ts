export * from './inference.constants';
export * from './onnx-model.builder';
export * from './continuity-model.builder';
export * from './flash-model.builder';
export * from './onnx-runtime.service';
export * from './frame-tensor.builder';
export * from './frame-tensor';
export * from './continuity-scorer';
export * from './safety-verdict';
export * from './output-safety.filter';
export * from './inference.module';
// A tiny classifier other libs' tests use in place of a real safety model.
export * from './output-safety.testing';
