import { ModelArtifactError } from '../model-artifact-error';
import type { Assignment } from './approximate-predict';
import type { HdbscanModel } from './hdbscan-model';

export const HOLDOUT_FORMAT = 'amato.hdbscan-holdout.v1';

/**
 * Held-out customers with the answers hdbscan's approximate_predict gave them, as the Python
 * training writes them next to the artifact (hdbscan-holdout.json; the fixture's holdout.json).
 */
export interface Holdout {
  readonly features: readonly string[];
  readonly customerIds: readonly string[];
  readonly points: readonly (readonly number[])[];
  readonly labels: readonly number[];
  readonly probabilities: readonly number[];
}

function holdoutError(problem: string): ModelArtifactError {
  return new ModelArtifactError('hdbscan holdout', problem);
}

function numbers(value: unknown, field: string, count: number): number[] {
  if (!Array.isArray(value) || value.length !== count) {
    throw holdoutError(`field ${field}: expected an array of ${count} numbers`);
  }
  return value.map((entry: unknown, i) => {
    if (typeof entry !== 'number') throw holdoutError(`field ${field}[${i}]: not a number`);
    return entry;
  });
}

export function parseHoldout(json: unknown): Holdout {
  const doc = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (doc.format !== HOLDOUT_FORMAT) {
    throw holdoutError(`field format: expected "${HOLDOUT_FORMAT}"`);
  }
  const { features, customer_ids: ids, points } = doc;
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw holdoutError('field features: expected an array of names');
  }
  if (!Array.isArray(ids) || !Array.isArray(points) || ids.length !== points.length) {
    throw holdoutError('fields customer_ids, points: expected arrays of one length');
  }
  return {
    features,
    customerIds: ids.map(String),
    points: points.map((row: unknown, i) => numbers(row, `points[${i}]`, features.length)),
    labels: numbers(doc.labels, 'labels', ids.length),
    probabilities: numbers(doc.probabilities, 'probabilities', ids.length),
  };
}

export interface Disagreement {
  readonly index: number;
  readonly customerId: string;
  readonly expected: Assignment;
  readonly actual: Assignment;
}

export interface Agreement {
  readonly customers: number;
  /** Customers whose label differs from the library's. */
  readonly labelDisagreements: readonly Disagreement[];
  /** Largest |probability − library's| over the customers with the same label. */
  readonly maxProbabilityDifference: number;
  readonly assignments: readonly Assignment[];
}

/** Assigns every held-out customer and compares with the library's answers. */
export function compareWithHoldout(model: HdbscanModel, holdout: Holdout): Agreement {
  if (holdout.features.join() !== model.features.join()) {
    throw holdoutError('field features: not the model features');
  }
  const assignments = model.assignMany(holdout.points);
  const labelDisagreements: Disagreement[] = [];
  let maxProbabilityDifference = 0;
  assignments.forEach((actual, index) => {
    const expected = {
      label: holdout.labels[index] ?? NaN,
      probability: holdout.probabilities[index] ?? NaN,
    };
    if (actual.label !== expected.label) {
      labelDisagreements.push({
        index,
        customerId: holdout.customerIds[index] ?? '',
        expected,
        actual,
      });
      return;
    }
    const difference = Math.abs(actual.probability - expected.probability);
    maxProbabilityDifference = Math.max(maxProbabilityDifference, difference);
  });
  return {
    customers: assignments.length,
    labelDisagreements,
    maxProbabilityDifference,
    assignments,
  };
}
