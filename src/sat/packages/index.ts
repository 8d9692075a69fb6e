export { readMetadataPackage, type MetadataRow, type MetadataEvent } from './metadata-reader';
export { readCfdiPackage, readCfdiHeader, type CfdiHeader, type CfdiEvent } from './cfdi-reader';
export { rootEntries, openZip, type PackageEntry } from './zip-entries';
export { textRecords, type TextRecord } from './records';
export { checkZipIntegrity, type ZipCheck } from './zip-integrity';
