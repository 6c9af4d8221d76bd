import type { InferenceSession } from 'onnxruntime-node';
import { fixtureOnnx } from './journey/journey-fixture';
import { ModelArtifactError } from './model-artifact-error';
import { type ExpectedGraph, checkGraph, createSession, loadSession } from './onnx-session';

/** The committed journey graph: input "input" float32 [N, 14]; outputs label and probabilities. */
const JOURNEY_GRAPH: ExpectedGraph = {
  input: { name: 'input', width: 14 },
  output: { name: 'probabilities', columns: 2 },
};

/** The ModelArtifactError `run` fails with. */
async function refusal(run: () => Promise<unknown>): Promise<ModelArtifactError> {
  const error: unknown = await run().then(
    () => new Error('it did not fail'),
    (failure: unknown) => failure,
  );
  if (!(error instanceof ModelArtifactError)) throw error;
  return error;
}

describe(createSession.name, () => {
  it('refuses empty bytes as the named model', async () => {
    const error = await refusal(() => createSession('some_model', new Uint8Array(0)));
    expect(error.model).toBe('some_model');
    expect(error.problem).toBe('the ONNX file is empty');
  });

  it('refuses truncated bytes, keeping the runtime error as the cause', async () => {
    const error = await refusal(() => createSession('some_model', fixtureOnnx().subarray(0, 100)));
    expect(error.problem).toMatch(
      /^the ONNX file \(100 bytes\) does not load, corrupt or truncated: .+/,
    );
    expect(error.cause).toBeDefined();
  });
});

describe(loadSession.name, () => {
  it('gives what the load returns and leaves the session open', async () => {
    let release: jest.SpiedFunction<InferenceSession['release']> | undefined;
    const session = await loadSession('journey', fixtureOnnx(), (opened) => {
      release = jest.spyOn(opened, 'release');
      return Promise.resolve(opened);
    });
    expect(release).not.toHaveBeenCalled();
    expect(session.inputNames).toEqual(['input']);
    await session.release();
  });

  it('releases the session when the load throws, and passes the error on', async () => {
    let release: jest.SpiedFunction<InferenceSession['release']> | undefined;
    const refused = new Error('refused');
    const loading = loadSession('journey', fixtureOnnx(), (opened) => {
      release = jest.spyOn(opened, 'release');
      return Promise.reject(refused);
    });
    await expect(loading).rejects.toBe(refused);
    expect(release).toHaveBeenCalledTimes(1);
  });
});

describe(checkGraph.name, () => {
  let session: InferenceSession;
  beforeAll(async () => {
    session = await createSession('journey', fixtureOnnx());
  });
  afterAll(async () => {
    await session.release();
  });

  it('accepts the graph it expects', () => {
    expect(() => {
      checkGraph('journey', session, JOURNEY_GRAPH);
    }).not.toThrow();
  });

  it.each<[string, ExpectedGraph, string]>([
    [
      'another input width',
      { ...JOURNEY_GRAPH, input: { name: 'input', width: 13 } },
      'input "input" has 14 columns, the metadata lists 13 features',
    ],
    [
      'another output width',
      { ...JOURNEY_GRAPH, output: { name: 'probabilities', columns: 1 } },
      'output "probabilities" has shape ["",2], expected [batch, 1]',
    ],
    [
      'an output that is not float32',
      { ...JOURNEY_GRAPH, output: { name: 'label', columns: 2 } },
      'output "label" is int64, expected float32',
    ],
  ])('refuses %s as the named model', (_, expected, problem) => {
    let error: unknown;
    try {
      checkGraph('some_model', session, expected);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ModelArtifactError);
    expect(error).toMatchObject({ model: 'some_model', problem });
  });
});
