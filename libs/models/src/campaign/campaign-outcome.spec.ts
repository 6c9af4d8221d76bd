import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelArtifactError } from '../model-artifact-error';
import {
  CampaignInputError,
  CampaignOutcomeModel,
  type CampaignParameters,
} from './campaign-outcome';

const dir = join(__dirname, 'fixtures');
const onnx = () => new Uint8Array(readFileSync(join(dir, 'campaign-outcome.onnx')));
const metadata = () =>
  JSON.parse(readFileSync(join(dir, 'campaign-outcome.json'), 'utf8')) as Record<string, unknown>;
const holdout = JSON.parse(readFileSync(join(dir, 'campaign-outcome-holdout.json'), 'utf8')) as {
  rows: { parameters: CampaignParameters; roas: number; conversions_per_unit: number }[];
};

describe(CampaignOutcomeModel.name, () => {
  let model: CampaignOutcomeModel;
  beforeAll(async () => {
    model = await CampaignOutcomeModel.load(onnx(), metadata());
  });
  afterAll(() => model.release());

  it("answers LightGBM's ROAS and conversions per unit, times the campaign's budget", async () => {
    const answers = await model.predict(holdout.rows.map((r) => r.parameters));
    expect(answers).toHaveLength(holdout.rows.length);
    holdout.rows.forEach((r, i) => {
      const spend = r.parameters.daily_budget * r.parameters.duration_days;
      const a = answers[i];
      expect(Math.abs((a?.roas ?? NaN) - r.roas)).toBeLessThan(1e-4 * r.roas + 1e-4);
      expect(Math.abs((a?.revenue ?? NaN) - r.roas * spend)).toBeLessThan(
        1e-4 * r.roas * spend + 0.01,
      );
      expect(Math.abs((a?.conversions ?? NaN) - r.conversions_per_unit * spend)).toBeLessThan(
        1e-4 * r.conversions_per_unit * spend + 0.01,
      );
    });
  });

  it('refuses a campaign it cannot score, naming the field', async () => {
    const good = holdout.rows[0]?.parameters as CampaignParameters;
    await expect(model.predict([good, { ...good, channel: 'tiktok' }])).rejects.toThrow(
      'campaigns[1].channel: "tiktok" is not one the model was trained on',
    );
    await expect(model.predict([{ ...good, daily_budget: -5 }])).rejects.toThrow(
      CampaignInputError,
    );
    await expect(model.predict([{ ...good, duration_days: Number.NaN }])).rejects.toThrow(
      'campaigns[0].duration_days: expected a positive number, got NaN',
    );
    expect(await model.predict([])).toEqual([]);
  });

  it.each([
    [{ format: 'x' }, 'metadata field format'],
    [{ outputs: ['roas'] }, 'metadata field outputs'],
    [{ input: 'features' }, 'has input(s) input, not "features"'],
    [{ features: ['daily_budget'] }, 'metadata field features: not the numeric parameters'],
  ])('refuses metadata with %j', async (change, message) => {
    const load = CampaignOutcomeModel.load(onnx(), { ...metadata(), ...change });
    await expect(load).rejects.toThrow(ModelArtifactError);
    await expect(CampaignOutcomeModel.load(onnx(), { ...metadata(), ...change })).rejects.toThrow(
      message,
    );
  });

  it('refuses empty and truncated ONNX bytes', async () => {
    await expect(CampaignOutcomeModel.load(new Uint8Array(), metadata())).rejects.toThrow(
      'the ONNX file is empty',
    );
    await expect(CampaignOutcomeModel.load(onnx().slice(0, 500), metadata())).rejects.toThrow(
      'does not load',
    );
  });
});
