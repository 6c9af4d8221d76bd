import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelArtifactError } from '../model-artifact-error';
import { CustomerRevenueInputError, ONLINE_FEATURES } from './customer-revenue-features';
import {
  FIXTURES,
  customerFeatures,
  featureValues,
  fixtureMetadata,
  fixtureOnnx,
  fixtureScores,
} from './customer-revenue-fixture';
import { CustomerRevenueModel } from './customer-revenue-model';

/**
 * The check Python makes of its export (amato_ml.customer_revenue.model): 1e-4, or 1e-5 of the
 * amount when that is more, since a float32 output near 1,000 is spaced 6e-5 apart.
 */
const ATOL = 1e-4;
const RTOL = 1e-5;

function agrees(scored: readonly number[], expected: readonly number[]): void {
  expect(scored).toHaveLength(expected.length);
  scored.forEach((revenue, k) => {
    const wanted = expected[k] as number;
    expect(Math.abs(revenue - wanted)).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(wanted));
  });
}

/** The fixture metadata with fields replaced. */
function metadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixtureMetadata(), ...overrides };
}

/** The problem of the ModelArtifactError that `loading` fails with. */
async function problemOf(loading: Promise<CustomerRevenueModel>): Promise<string> {
  const error: unknown = await loading.then(
    async (model) => {
      await model.release();
      return new Error('the model loaded');
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof ModelArtifactError)) throw error;
  expect(error.model).toBe('customer_revenue');
  return error.problem;
}

const loadProblem = (onnx: Uint8Array, raw: unknown) =>
  problemOf(CustomerRevenueModel.load(onnx, raw));

/** A directory holding the given files. */
function directoryWith(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'amato-customer-revenue-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('CustomerRevenueModel on the committed fixture', () => {
  let model: CustomerRevenueModel;
  const scores = fixtureScores();
  const expected = scores.rows.map((row) => row.revenue);

  beforeAll(async () => {
    model = await CustomerRevenueModel.fromDirectory(FIXTURES);
  });
  afterAll(async () => {
    await model.release();
  });

  it('scores every customer from its feature values as LightGBM did', async () => {
    const rows = scores.rows.map((row) => featureValues(scores.features, row));
    agrees(await model.predict(rows), expected);
  });

  it('scores every customer from its CustomerFeatures as LightGBM did', async () => {
    const rows = scores.rows.map((row) => customerFeatures(scores.features, row));
    agrees(await model.predict(rows), expected);
  });

  it('the fixture is not a constant model agreeing trivially', () => {
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(100);
    expect(scores.rows.length).toBeGreaterThanOrEqual(90);
  });

  it('gives a customer scored alone what it gets in a batch', async () => {
    const rows = scores.rows.slice(0, 10).map((row) => featureValues(scores.features, row));
    const batch = await model.predict(rows);
    for (const [k, row] of rows.entries()) {
      expect(await model.predict([row])).toEqual([batch[k]]);
    }
  });

  it('reads the feature names in the artifact order, whatever order an object has', async () => {
    const [row] = scores.rows;
    if (row === undefined) throw new Error('empty fixture');
    const reversed = Object.fromEntries(
      Object.entries(featureValues(scores.features, row)).reverse(),
    );
    agrees(await model.predict([reversed]), [row.revenue]);
  });

  it('scores an empty batch without running the model', async () => {
    expect(await model.predict([])).toEqual([]);
  });

  it('reads the online features in the order of the training dataset', () => {
    expect(model.featureNames).toEqual(ONLINE_FEATURES);
    expect(scores.features).toEqual(ONLINE_FEATURES);
    expect(model.horizonDays).toBe(90);
  });
});

describe('CustomerRevenueModel.predict refuses a customer it cannot score', () => {
  let model: CustomerRevenueModel;
  const scores = fixtureScores();
  const first = scores.rows[0];
  if (first === undefined) throw new Error('empty fixture');
  const flat = () => featureValues(scores.features, first);
  const nested = () => customerFeatures(scores.features, first);

  beforeAll(async () => {
    model = await CustomerRevenueModel.load(fixtureOnnx(), fixtureMetadata());
  });
  afterAll(async () => {
    await model.release();
  });

  async function refusal(rows: unknown[]): Promise<CustomerRevenueInputError> {
    const error: unknown = await model
      .predict(rows as Parameters<CustomerRevenueModel['predict']>[0])
      .then(
        () => new Error('scored'),
        (failure: unknown) => failure,
      );
    if (!(error instanceof CustomerRevenueInputError)) throw error;
    return error;
  }

  it('a feature missing from the values, naming it and the row', async () => {
    const { 'windows.revenue_90d': _gone, ...rest } = flat();
    const error = await refusal([flat(), rest]);
    expect(error.message).toBe('customer revenue input row 1: windows.revenue_90d is missing');
    expect(error).toBeInstanceOf(RangeError);
    expect({ row: error.row, field: error.field }).toEqual({
      row: 1,
      field: 'windows.revenue_90d',
    });
  });

  it('a non-finite or non-numeric value', async () => {
    expect((await refusal([{ ...flat(), recency_days: Number.NaN }])).message).toBe(
      'customer revenue input row 0: recency_days is NaN, expected a finite number',
    );
    expect((await refusal([{ ...flat(), avg_order_value: Infinity }])).message).toBe(
      'customer revenue input row 0: avg_order_value is Infinity, expected a finite number',
    );
    expect((await refusal([{ ...flat(), frequency: '3' }])).message).toBe(
      'customer revenue input row 0: frequency is "3", expected a finite number',
    );
  });

  it('a CustomerFeatures with a hole, naming the field where deriveFeatures puts it', async () => {
    const customer = nested();
    const features = { ...customer.features, churn_risk: Number.NaN };
    expect((await refusal([{ ...customer, features }])).message).toBe(
      `customer revenue input row 0 (customer ${first.customer_id}): features.churn_risk is NaN, expected a finite number`,
    );
    const { mobile: _gone, ...devices } = customer.device_mix;
    expect((await refusal([{ ...customer, device_mix: devices }])).message).toBe(
      `customer revenue input row 0 (customer ${first.customer_id}): device_mix.mobile is missing`,
    );
    expect((await refusal([{ ...customer, windows: null }])).message).toBe(
      `customer revenue input row 0 (customer ${first.customer_id}): windows is null, expected an object`,
    );
  });
});

describe('CustomerRevenueModel.load refuses an artifact it cannot serve', () => {
  const onnx = fixtureOnnx();

  it('an empty file', async () => {
    expect(await loadProblem(new Uint8Array(0), metadata())).toBe('the ONNX file is empty');
  });

  it.each([1, 100, onnx.length - 1])('a file truncated to %p bytes', async (bytes) => {
    expect(await loadProblem(onnx.subarray(0, bytes), metadata())).toMatch(
      new RegExp(`^the ONNX file \\(${bytes} bytes\\) does not load, corrupt or truncated: .+`),
    );
  });

  it('metadata of another format, before looking at the bytes', async () => {
    expect(await loadProblem(new Uint8Array(0), metadata({ format: 'amato.journey.v1' }))).toBe(
      'format is "amato.journey.v1", expected "amato.customer-revenue.v1"',
    );
  });

  it('a feature the stream does not keep', async () => {
    const features = [...ONLINE_FEATURES.slice(0, -1), 'days_since_first_order'];
    expect(await loadProblem(onnx, metadata({ features }))).toBe(
      'features[51] is "days_since_first_order", which is no online feature the stream keeps',
    );
  });

  it('a feature listed twice', async () => {
    const features = [...ONLINE_FEATURES.slice(0, -1), 'recency_days'];
    expect(await loadProblem(onnx, metadata({ features }))).toBe(
      'features lists "recency_days" twice',
    );
  });

  it('fewer features than the graph takes', async () => {
    const features = ONLINE_FEATURES.slice(0, -1);
    const input = { name: 'input' };
    expect(await loadProblem(onnx, metadata({ features, input }))).toBe(
      'input "input" has 52 columns, the metadata lists 51 features',
    );
    expect(await loadProblem(onnx, metadata({ features }))).toBe(
      'input.shape has 52 columns, expected 51 (the feature count)',
    );
  });

  it('another input or output name than the graph has', async () => {
    expect(await loadProblem(onnx, metadata({ input: { name: 'rows' } }))).toBe(
      'the ONNX graph has input(s) "input", the metadata names "rows"',
    );
    expect(await loadProblem(onnx, metadata({ output: { name: 'variable' } }))).toBe(
      'the ONNX graph has output(s) "revenue", not "variable"',
    );
  });

  it('missing or malformed fields', async () => {
    expect(await loadProblem(onnx, metadata({ cutoffs: { train: '2026-06-04' } }))).toBe(
      'cutoffs.eval is missing, expected an ISO 8601 time',
    );
    expect(await loadProblem(onnx, metadata({ horizon_days: 0 }))).toBe(
      'horizon_days is 0, expected a whole number of days',
    );
    expect(await loadProblem(onnx, metadata({ onnx: '../journey/journey.onnx' }))).toBe(
      `onnx is "../journey/journey.onnx", expected a file name in the artifact's directory`,
    );
    expect(await loadProblem(onnx, ['not', 'an', 'object'])).toBe(
      'the metadata is ["not","an","object"], expected an object',
    );
  });
});

describe('CustomerRevenueModel.fromDirectory', () => {
  const json = JSON.stringify(fixtureMetadata());

  it('names a metadata file that is missing or not JSON', async () => {
    const empty = directoryWith({});
    expect(await problemOf(CustomerRevenueModel.fromDirectory(empty))).toMatch(
      /^the metadata, .*customer-revenue\.json, does not exist$/,
    );
    const broken = directoryWith({ 'customer-revenue.json': '{"format":' });
    expect(await problemOf(CustomerRevenueModel.fromDirectory(broken))).toMatch(
      /customer-revenue\.json is not valid JSON/,
    );
  });

  it('names the ONNX file the metadata names when it is not there', async () => {
    const dir = directoryWith({ 'customer-revenue.json': json });
    expect(await problemOf(CustomerRevenueModel.fromDirectory(dir))).toMatch(
      /^the ONNX file the metadata names, .*customer-revenue\.onnx, does not exist$/,
    );
  });

  it('loads a directory the trainer wrote', async () => {
    const dir = directoryWith({
      'customer-revenue.json': json,
      'customer-revenue.onnx': fixtureOnnx(),
    });
    const model = await CustomerRevenueModel.fromDirectory(dir);
    expect(model.metadata.cutoffs).toEqual(fixtureMetadata().cutoffs);
    await model.release();
  });
});
