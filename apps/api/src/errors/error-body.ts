import { type Static, Type as T } from '@sinclair/typebox';

/** The body of every error the API answers with (Nest's own shape, so its exceptions fit). */
export const ErrorBodySchema = T.Object({
  statusCode: T.Integer({ description: 'The HTTP status.' }),
  error: T.String({ description: "The status's name, e.g. Service Unavailable." }),
  message: T.String({ description: 'What went wrong, and what to do about it.' }),
});

export type ErrorBody = Static<typeof ErrorBodySchema>;
