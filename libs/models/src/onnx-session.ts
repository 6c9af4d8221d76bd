import { InferenceSession } from 'onnxruntime-node';
import { describe } from './journey/journey-metadata';
import { ModelArtifactError } from './model-artifact-error';

/**
 * One thread per session run: each model scores a few rows per call (a batch of live sessions,
 * a page of customers, a plan's campaigns), where a thread pool's wake-up costs more than the
 * trees, and the event loop has other work.
 */
export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/**
 * What a model reads from its graph: one float32 [batch, width] input, and a float32
 * [batch, columns] output among the graph's outputs.
 */
export interface ExpectedGraph {
  readonly input: { readonly name: string; readonly width: number };
  readonly output: { readonly name: string; readonly columns: number };
  /** Said after "is not a tensor", where the exporter has a likely reason (a ZipMap). */
  readonly notTensorHint?: string;
}

/** The session, or a ModelArtifactError of `model` for bytes that are empty, truncated or not ONNX. */
export async function createSession(model: string, onnx: Uint8Array): Promise<InferenceSession> {
  if (onnx.byteLength === 0) fail(model, 'the ONNX file is empty');
  try {
    return await InferenceSession.create(onnx, SESSION_OPTIONS);
  } catch (error) {
    throw new ModelArtifactError(
      model,
      `the ONNX file (${onnx.byteLength} bytes) does not load, corrupt or truncated: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

/**
 * Creates the session and hands it to `load`, which wraps and checks it. If `load` throws, the
 * session is released before the error goes on: a refused artifact keeps no native memory.
 */
export async function loadSession<T>(
  model: string,
  onnx: Uint8Array,
  load: (session: InferenceSession) => Promise<T>,
): Promise<T> {
  const session = await createSession(model, onnx);
  try {
    return await load(session);
  } catch (error) {
    await session.release();
    throw error;
  }
}

/** Throws the ModelArtifactError of `model` naming the first way the graph is not `expected`. */
export function checkGraph(
  model: string,
  session: InferenceSession,
  expected: ExpectedGraph,
): void {
  checkInput(model, session, expected);
  checkOutput(model, session, expected);
}

/** An error's message; duck-typed, as Node's errors come from another realm under jest. */
export function errorMessage(error: unknown): string {
  const text = (error as { message?: unknown } | null)?.message;
  return typeof text === 'string' ? text : String(error);
}

function checkInput(model: string, session: InferenceSession, expected: ExpectedGraph): void {
  const { name, width } = expected.input;
  if (session.inputNames.length !== 1 || session.inputNames[0] !== name) {
    fail(
      model,
      `the ONNX graph has input(s) ${quoted(session.inputNames)}, the metadata names "${name}"`,
    );
  }
  const tensor = tensorMetadata(model, session.inputMetadata, name, 'input', expected);
  if (tensor.type !== 'float32') fail(model, `input "${name}" is ${tensor.type}, expected float32`);
  const columns = tensor.shape[1];
  if (tensor.shape.length !== 2 || typeof columns !== 'number') {
    fail(model, `input "${name}" has shape ${describe(tensor.shape)}, expected [batch, ${width}]`);
  }
  if (columns !== width) {
    fail(model, `input "${name}" has ${columns} columns, the metadata lists ${width} features`);
  }
}

function checkOutput(model: string, session: InferenceSession, expected: ExpectedGraph): void {
  const { name, columns: width } = expected.output;
  if (!session.outputNames.includes(name)) {
    fail(model, `the ONNX graph has output(s) ${quoted(session.outputNames)}, not "${name}"`);
  }
  const tensor = tensorMetadata(model, session.outputMetadata, name, 'output', expected);
  if (tensor.type !== 'float32') {
    fail(model, `output "${name}" is ${tensor.type}, expected float32`);
  }
  const columns = tensor.shape[1];
  if (tensor.shape.length !== 2 || (typeof columns === 'number' && columns !== width)) {
    fail(model, `output "${name}" has shape ${describe(tensor.shape)}, expected [batch, ${width}]`);
  }
}

function tensorMetadata(
  model: string,
  all: readonly InferenceSession.ValueMetadata[],
  name: string,
  kind: 'input' | 'output',
  expected: ExpectedGraph,
): InferenceSession.TensorValueMetadata {
  const value = all.find((candidate) => candidate.name === name);
  if (!value?.isTensor) {
    const hint = expected.notTensorHint === undefined ? '' : ` ${expected.notTensorHint}`;
    fail(model, `${kind} "${name}" is not a tensor${hint}`);
  }
  return value;
}

function quoted(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}

function fail(model: string, problem: string): never {
  throw new ModelArtifactError(model, problem);
}
