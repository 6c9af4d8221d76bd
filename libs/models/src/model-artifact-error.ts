import { AmatoError } from '@amato/common';

/**
 * A model artifact that cannot be served: corrupt, truncated, of an unknown format, or
 * incompatible with what serving feeds it (another feature list, another input shape). The
 * message names the model, the version when known, and the field or check that failed; the
 * version is refused and whatever was serving before keeps serving.
 */
export class ModelArtifactError extends AmatoError {
  readonly code = 'MODEL_ARTIFACT_INVALID';
  readonly retriable = false;

  constructor(
    readonly model: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`model ${model}: ${problem}`, options);
  }
}
