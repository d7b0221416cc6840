import { EJSON } from 'bson';
import type { InvocationJob } from '@portico/contracts';
import { createJsonRenderer } from '@portico/sandbox';

/** The JSON rendering of BSON values that function results use (reference §2.4: ObjectId → hex…). */
const renderJson = createJsonRenderer((bytes) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
);

/**
 * A Data API answer body in the negotiated format: JSON with App Services' renderings (so an
 * `insertedId` is the ObjectId's hex string, as in the docs' live test outputs), or canonical EJSON.
 */
export function renderDataApiBody(value: unknown, format: InvocationJob['responseFormat']): Buffer {
  const text =
    format === 'EJSON' ? EJSON.stringify(value, { relaxed: false }) : (renderJson(value) ?? 'null');
  return Buffer.from(text, 'utf8');
}
