/**
 * How the MongoDB driver hands documents back when told not to promote values: every BSON type as
 * its own class (Int32, Double, Long, Decimal128, BSONRegExp, Binary…). Both adapters return documents
 * in this form, so a document read from either has the same shape and a round trip keeps every type.
 */
export const EXACT_BSON_READ = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;
