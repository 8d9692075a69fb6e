export {
  PackageExporter,
  type ExportObserver,
  type ExportRequest,
  type ExportSummary,
  type PackageOutcome,
  type PackageResult,
} from './package-exporter';
export { findExportablePackages, type ExportablePackage, type ExportSelection } from './exportable-packages';
export { documentPath, packagePath } from './export-layout';
export { parseSince } from './since';
