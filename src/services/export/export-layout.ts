import path from 'node:path';
import { toMexicoWallClock } from '../periods/mexico-time';
import type { ExportablePackage } from './exportable-packages';

/**
 * Where each exported file goes, relative to the destination folder:
 *
 *   <RFC>/<year>/<Contexto>-<Tipo>/<IdPaquete>.zip    a package, as stored
 *   <RFC>/xml/<year>/<month>/<UUID>.xml               a document extracted with --extract
 *   <RFC>/xml/.extracted/<IdPaquete>                  marks a package whose documents are all out
 *
 * The year is the solicitud's period start in Mexico City time (FechaRegistro for a request by Uuid),
 * the one the documents belong to; Tipo is CFDI, Metadata, Retenciones or Retenciones-Metadata. Every
 * name comes from SAT or our tables, so each part is narrowed to safe characters first.
 */

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9&Ñ._-]/g, '_').replace(/^\.+/, '_') || '_';
}

function kindOf(item: ExportablePackage): string {
  if (item.tipoDocumento === 'Retenciones')
    return item.tipoSolicitud === 'Metadata' ? 'Retenciones-Metadata' : 'Retenciones';
  return item.tipoSolicitud;
}

export function packageYear(item: ExportablePackage): string {
  return toMexicoWallClock(item.fechaInicial ?? item.registeredAt).slice(0, 4);
}

export function packagePath(item: ExportablePackage): string {
  return path.join(
    safe(item.rfc.toUpperCase()),
    packageYear(item),
    `${item.contexto}-${kindOf(item)}`,
    `${safe(item.idPaquete)}.zip`,
  );
}

/** The folder extracted documents of an RFC go under. */
export function xmlFolder(rfc: string): string {
  return path.join(safe(rfc.toUpperCase()), 'xml');
}

/** The marker of a package whose documents were all extracted (it holds the package's SHA-256). */
export function extractionMarkerPath(item: ExportablePackage): string {
  return path.join(xmlFolder(item.rfc), '.extracted', safe(item.idPaquete));
}

/** Where a document is written while its UUID and date are read (one package at a time). */
export function extractionScratchPath(item: ExportablePackage): string {
  return path.join(xmlFolder(item.rfc), `${safe(item.idPaquete)}.part`);
}

const ISSUE_DATE = /^(\d{4})-(\d{2})-\d{2}/;

/**
 * `<RFC>/xml/<year>/<month>/<UUID>.xml`, dated by the document's own issue date (Fecha, FechaExp) as
 * written, falling back to the stamp date; undefined when neither is a date.
 */
export function documentPath(
  rfc: string,
  uuid: string,
  fecha: string,
  fechaTimbrado: string,
): string | undefined {
  const date = ISSUE_DATE.exec(fecha) ?? ISSUE_DATE.exec(fechaTimbrado);
  const [, year, month] = date ?? [];
  if (year === undefined || month === undefined || Number(month) < 1 || Number(month) > 12) return undefined;
  return path.join(xmlFolder(rfc), year, month, `${safe(uuid.toUpperCase())}.xml`);
}
