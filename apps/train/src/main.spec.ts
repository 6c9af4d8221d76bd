import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@amato/common';
import { customerRevenuePair, cutoffOfFile, newest, parseTrainArgs } from './main';

describe('./amato train arguments', () => {
  it('trains every model and activates them by default', () => {
    expect(parseTrainArgs([])).toEqual({
      dataset: undefined,
      prefixes: undefined,
      revenue: undefined,
      campaigns: undefined,
      customerTrain: undefined,
      customerEval: undefined,
      only: [
        'kmeans',
        'hdbscan',
        'journey',
        'revenue_forecast',
        'campaign_response',
        'campaign_outcome',
        'customer_revenue',
      ],
      onlyGiven: false,
      activate: true,
      help: false,
    });
  });

  it('takes a subset, files and --no-activate', () => {
    expect(
      parseTrainArgs(['--only', 'journey, kmeans', '--dataset', 'a.parquet', '--no-activate']),
    ).toMatchObject({
      only: ['journey', 'kmeans'],
      onlyGiven: true,
      dataset: 'a.parquet',
      activate: false,
    });
  });

  it('refuses an unknown model or option with a usage error that says what exists', () => {
    expect(() => parseTrainArgs(['--only', 'xgboost'])).toThrow(
      new UsageError(
        '--only: unknown model "xgboost"; the models are kmeans, hdbscan, journey, revenue_forecast, campaign_response, campaign_outcome, customer_revenue',
      ),
    );
    expect(() => parseTrainArgs(['--fast'])).toThrow(UsageError);
  });

  it('finds the newest dataset of a kind, and says to run the batch when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amato-train-'));
    for (const f of [
      'training_dataset_2026-01-01T00-00-00-000Z.parquet',
      'training_dataset_2026-02-01T00-00-00-000Z.parquet',
      'journey_prefixes_2026-03-01T00-00-00-000Z.parquet',
    ])
      writeFileSync(join(dir, f), '');
    expect(newest(dir, 'training_dataset_')).toBe(
      join(dir, 'training_dataset_2026-02-01T00-00-00-000Z.parquet'),
    );
    expect(() => newest(join(dir, 'nothing'), 'journey_prefixes_')).toThrow(
      /no journey_prefixes_\*\.parquet in .*nothing: run \.\/amato batch first/,
    );
  });

  it('reads the cutoff a dataset file name carries', () => {
    expect(cutoffOfFile('/d/training_dataset_2026-12-01T17-15-18-457Z.parquet')).toBe(
      Date.parse('2026-12-01T17:15:18.457Z'),
    );
    expect(cutoffOfFile('training_dataset.parquet')).toBeUndefined();
    expect(cutoffOfFile('training_dataset_2026-13-45T99-00-00-000Z.parquet')).toBeUndefined();
  });

  it("picks the customer revenue model's datasets 90 days apart and 90 days before the newest", () => {
    const dir = mkdtempSync(join(tmpdir(), 'amato-train-pair-'));
    const file = (iso: string) =>
      `training_dataset_${iso.replaceAll(':', '-').replaceAll('.', '-')}.parquet`;
    expect(customerRevenuePair(dir)).toMatch(/no training_dataset_\*\.parquet/);
    for (const iso of [
      '2026-06-04T00:00:00.000Z',
      '2026-06-10T00:00:00.000Z',
      '2026-09-02T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ])
      writeFileSync(join(dir, file(iso)), '');
    expect(customerRevenuePair(dir)).toEqual({
      train: join(dir, file('2026-06-04T00:00:00.000Z')),
      eval: join(dir, file('2026-09-02T00:00:00.000Z')),
    });
    const thin = mkdtempSync(join(tmpdir(), 'amato-train-pair-'));
    writeFileSync(join(thin, file('2026-09-02T00:00:00.000Z')), '');
    writeFileSync(join(thin, file('2026-12-01T00:00:00.000Z')), '');
    expect(customerRevenuePair(thin)).toMatch(/no two training datasets 90 days apart/);
  });
});
