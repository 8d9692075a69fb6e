/**
 * One entry of the error catalogue. `code` is a public contract (SOAP Fault detail, MYSuite Code,
 * logs): never renumber an entry, only add new ones.
 */
export interface ErrorDefinition {
  readonly code: string;
  /** Category, used for HTTP status and Fault code selection. */
  readonly kind: ErrorKind;
  /** Spanish message; `{name}` placeholders are filled from the error's params. */
  readonly es: string;
  /** English message with the same placeholders. */
  readonly en: string;
  /** Whether retrying the same operation later may succeed. */
  readonly transient?: boolean;
}

export type ErrorKind =
  | 'validation'
  | 'authentication'
  | 'authorization'
  | 'not-found'
  | 'conflict'
  | 'rate-limit'
  | 'payload-too-large'
  | 'external'
  | 'storage'
  | 'configuration'
  | 'internal';

export type ErrorCatalogue<K extends string> = { readonly [P in K]: ErrorDefinition };

/** Identity helper that keeps literal keys while checking the shape of every entry. */
export function defineErrors<K extends string>(entries: ErrorCatalogue<K>): ErrorCatalogue<K> {
  return Object.freeze(entries);
}
