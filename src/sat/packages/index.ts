export {
  readMetadataPackage,
  readMetadataPackageBatches,
  type MetadataEvent,
  type MetadataEntryProblem,
} from './metadata-reader';
export type { MetadataRow } from './metadata-record';
export { readCfdiPackage, readCfdiHeader, type CfdiHeader, type CfdiEvent } from './cfdi-reader';
export { PagosCollector, type PagoComplemento, type DoctoRelacionadoComplemento } from './pagos-complement';
export { rootEntries, openZip, type PackageEntry } from './zip-entries';
export { textRecords, textRecordBatches, RecordTooLongError, type TextRecord } from './records';
export { checkZipIntegrity, type ZipCheck } from './zip-integrity';
export {
  Utf8OrWindows1252,
  DeclaredEncoding,
  xmlDecoder,
  firstInvalidUtf8,
  type EntryDecoder,
  type EncodingFallback,
} from './text-decoding';
