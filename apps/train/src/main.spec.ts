import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@amato/common';
import { newest, parseTrainArgs } from './main';

describe('./amato train arguments', () => {
  it('trains every model and activates them by default', () => {
    expect(parseTrainArgs([])).toEqual({
      dataset: undefined,
      prefixes: undefined,
      revenue: undefined,
      campaigns: undefined,
      only: [
        'kmeans',
        'hdbscan',
        'journey',
        'revenue_forecast',
        'campaign_response',
        'campaign_outcome',
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
        '--only: unknown model "xgboost"; the models are kmeans, hdbscan, journey, revenue_forecast, campaign_response, campaign_outcome',
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
});
