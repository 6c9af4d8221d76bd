import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, sharing Node's typed-array constructors with the test sandbox.
 *
 * onnxruntime-node hands its outputs over as typed arrays of Node's own realm, and
 * onnxruntime-common, loaded inside jest's sandbox, checks them with `instanceof` against the
 * sandbox's constructors: every run then fails with "A float32 tensor's data must be type of
 * Float32Array". Outside jest there is one realm and nothing to share. jest.config.js makes it
 * every project's environment, so any test may load a model.
 */
export default class OnnxTestEnvironment extends NodeEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const sandbox = this.global as unknown as Record<string, unknown>;
    for (const name of TYPED_ARRAYS) sandbox[name] = globalThis[name];
  }
}

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;
