import { ConfigError, generalErrors } from '../../errors';
import { type DescargaMasivaServices, createDescargaMasivaHandlers } from '../descarga-masiva';
import type { SoapOperationHandler } from '../infra/soap-call-context';
import { record } from '../shared/input';
import { V2_OPERATIONS, toV1Input, toV2Resultado } from './mapping';

/**
 * The v2 binding's handlers: each unwraps Peticion into v1's input, runs v1's handler (so both
 * versions share every rule and service), and wraps v1's answer as the Resultado.
 */
export function createDescargaMasivaV2Handlers(
  services: DescargaMasivaServices,
): Record<string, SoapOperationHandler> {
  const v1 = createDescargaMasivaHandlers(services);
  return Object.fromEntries(
    V2_OPERATIONS.map((operation): [string, SoapOperationHandler] => {
      const handler = v1[operation];
      if (handler === undefined) {
        throw new ConfigError(generalErrors.configInvalid, {
          params: { variable: 'DescargaMasiva v2', reason: `v1 has no handler for ${operation}` },
        });
      }
      return [
        operation,
        async (input, context) => {
          // A missing or empty Peticion reads as no values: v1's rules then name what is required.
          const answer = await handler(toV1Input[operation](record(input.Peticion)), context);
          return { [`${operation}Result`]: toV2Resultado[operation](record(answer)) };
        },
      ];
    }),
  );
}
