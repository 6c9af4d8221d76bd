import { ModelArtifactError } from '../model-artifact-error';
import { fixtureHoldout, fixtureMetadata, fixtureOnnx } from './journey-fixture';
import { JourneyModel, type JourneyScoringState, PURCHASED_PROBABILITY } from './journey-model';

const TOLERANCE = 1e-5;

function state(overrides: Partial<JourneyScoringState> = {}): JourneyScoringState {
  return {
    pages: 4,
    depth: 4,
    time_on_site_seconds: 120,
    cart_adds: 1,
    purchases: 0,
    searches: 0,
    last_page_type: 'cart',
    ...overrides,
  };
}

/** The fixture metadata with fields replaced. */
function metadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixtureMetadata(), ...overrides };
}

/** The problem of the ModelArtifactError the load fails with. */
async function loadProblem(onnx: Uint8Array, raw: unknown): Promise<string> {
  const error: unknown = await JourneyModel.load(onnx, raw).then(
    async (model) => {
      await model.release();
      return new Error('the model loaded');
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof ModelArtifactError)) throw error;
  expect(error.model).toBe('journey');
  return error.problem;
}

describe('JourneyModel on the committed fixture', () => {
  let model: JourneyModel;
  const holdout = fixtureHoldout();

  beforeAll(async () => {
    model = await JourneyModel.load(fixtureOnnx(), fixtureMetadata());
  });
  afterAll(async () => {
    await model.release();
  });

  it('scores every holdout state as LightGBM did, within 1e-5', async () => {
    const scored = await model.score(holdout.rows.map((row) => row.state));
    expect(scored).toHaveLength(holdout.rows.length);
    const worst = Math.max(
      ...scored.map((p, k) => Math.abs(p - (holdout.rows[k]?.probability ?? NaN))),
    );
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });

  it('scores the rows Python encoded as LightGBM did, within 1e-5', async () => {
    const rows = Float32Array.from(holdout.rows.flatMap((row) => row.features));
    const scored = await model.scoreRows(rows);
    holdout.rows.forEach((row, k) => {
      expect(Math.abs((scored[k] ?? NaN) - row.probability)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('the fixture is not a constant model agreeing trivially', () => {
    const probabilities = holdout.rows.map((row) => row.probability);
    expect(Math.max(...probabilities) - Math.min(...probabilities)).toBeGreaterThan(0.2);
  });

  it('gives a state scored alone what it gets in a batch', async () => {
    const states = holdout.rows.slice(0, 20).map((row) => row.state);
    const batch = await model.score(states);
    for (const [k, one] of states.entries()) {
      const [alone] = await model.score([one]);
      expect(alone).toBeCloseTo(batch[k] ?? NaN, 6);
    }
  });

  it('answers a session that has purchased with probability 1, without the model', async () => {
    const [purchased, browsing] = await model.score([state({ purchases: 1 }), state()]);
    expect(purchased).toBe(PURCHASED_PROBABILITY);
    expect(browsing).toBeGreaterThan(0);
    expect(browsing).toBeLessThan(1);
  });

  it('keeps the order of a batch mixing purchased and browsing states', async () => {
    const browsing = holdout.rows.slice(0, 3).map((row) => row.state);
    const [a, b, c] = browsing;
    if (a === undefined || b === undefined || c === undefined) throw new Error('short fixture');
    const mixed = [state({ purchases: 2 }), a, b, state({ purchases: 1 }), c];
    const expected = await model.score(browsing);
    expect(await model.score(mixed)).toEqual([1, expected[0], expected[1], 1, expected[2]]);
  });

  it('scores a batch of purchased states only, and an empty batch', async () => {
    expect(await model.score([state({ purchases: 1 }), state({ purchases: 3 })])).toEqual([1, 1]);
    expect(await model.score([])).toEqual([]);
  });

  it('refuses a state whose counts are not counts', async () => {
    await expect(model.score([state({ purchases: -1 })])).rejects.toThrow(
      'journey state: purchases is -1, expected a count (≥ 0)',
    );
    await expect(model.score([state({ cart_adds: Number.NaN })])).rejects.toThrow(RangeError);
  });

  it('refuses encoded rows that are no whole number of rows', async () => {
    await expect(model.scoreRows(new Float32Array(15))).rejects.toThrow(
      '15 values are no whole number of 14-column rows',
    );
  });

  it('exposes the feature names in input order', () => {
    expect(model.featureNames).toEqual(fixtureMetadata().features);
  });
});

describe('JourneyModel.load refuses an artifact it cannot serve', () => {
  const onnx = fixtureOnnx();

  it('an empty file', async () => {
    expect(await loadProblem(new Uint8Array(0), metadata())).toBe('the ONNX file is empty');
  });

  it.each([1, 16, 100, 1000, onnx.length - 1])('a file truncated to %p bytes', async (bytes) => {
    expect(await loadProblem(onnx.subarray(0, bytes), metadata())).toMatch(
      new RegExp(`^the ONNX file \\(${bytes} bytes\\) does not load, corrupt or truncated: .+`),
    );
  });

  it('bytes that are not ONNX', async () => {
    const text = new TextEncoder().encode('{"format": "amato.journey.v1"}');
    expect(await loadProblem(text, metadata())).toMatch(
      /^the ONNX file \(30 bytes\) does not load/,
    );
  });

  it('metadata listing fewer page types than the graph was trained with', async () => {
    const pageTypes = (fixtureMetadata().page_types as string[]).slice(1);
    const features = [...(fixtureMetadata().features as string[])];
    features.splice(5, 1);
    const problem = await loadProblem(
      onnx,
      metadata({ page_types: pageTypes, features, input: { name: 'input' } }),
    );
    expect(problem).toBe('input "input" has 14 columns, the metadata lists 13 features');
  });

  it('metadata naming another input', async () => {
    const problem = await loadProblem(onnx, metadata({ input: { name: 'rows' } }));
    expect(problem).toBe('the ONNX graph has input(s) "input", the metadata names "rows"');
  });

  it('metadata naming an output the graph lacks', async () => {
    const problem = await loadProblem(
      onnx,
      metadata({ output: { name: 'probability', positive_class_index: 1 } }),
    );
    expect(problem).toBe(
      'the ONNX graph has output(s) "label", "probabilities", not "probability"',
    );
  });

  it('metadata naming the label output instead of the probabilities', async () => {
    const problem = await loadProblem(
      onnx,
      metadata({ output: { name: 'label', positive_class_index: 1 } }),
    );
    expect(problem).toBe('output "label" is int64, expected float32');
  });

  it('invalid metadata, before looking at the bytes', async () => {
    expect(await loadProblem(new Uint8Array(0), metadata({ format: 'x' }))).toBe(
      'format is "x", expected "amato.journey.v1"',
    );
  });
});
